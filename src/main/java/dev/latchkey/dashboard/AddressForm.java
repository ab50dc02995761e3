package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.address.Address;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The fields of the address form as typed (shown again after a refusal), and the body of the admin API's
 * {@code POST} or {@code PATCH} of an address they stand for: the API's input class reads it, so the dashboard refuses
 * what the API refuses. A field left empty is cleared, as {@code ""} clears it. The edit form also holds each field as
 * it was shown ({@code shown.}name), and its {@code PATCH} names only the fields changed from that: a form opened before
 * another change (the shopper's, a colleague's, the API's) must not put the older values back.
 */
public record AddressForm(String firstName, String lastName, String company, String line1, String line2, String city,
                          String region, String postalCode, String country, String phone, String tags) {
    static final AddressForm BLANK = new AddressForm("", "", "", "", "", "", "", "", "", "", "");
    /** The prefix of a field's name that holds it as the edit form showed it. */
    static final String SHOWN = "shown.";

    static AddressForm of(Context ctx) {
        return of(ctx, "");
    }

    /** The fields as the edit form showed them, or null for a form that does not hold them (the add form). */
    static AddressForm shown(Context ctx) {
        return ctx.formParam(SHOWN + "line1") == null ? null : of(ctx, SHOWN);
    }

    private static AddressForm of(Context ctx, String prefix) {
        return new AddressForm(field(ctx, prefix + "first_name"), field(ctx, prefix + "last_name"),
                field(ctx, prefix + "company"), field(ctx, prefix + "line1"), field(ctx, prefix + "line2"),
                field(ctx, prefix + "city"), field(ctx, prefix + "region"), field(ctx, prefix + "postal_code"),
                field(ctx, prefix + "country"), field(ctx, prefix + "phone"), field(ctx, prefix + "tags"));
    }

    /** The address as it is, for the edit form. */
    static AddressForm of(Address a) {
        return new AddressForm(shown(a.firstName()), shown(a.lastName()), shown(a.company()), shown(a.line1()),
                shown(a.line2()), shown(a.city()), shown(a.region()), shown(a.postalCode()), shown(a.country()),
                shown(a.phone()), String.join(", ", a.tags()));
    }

    /** The fields by their names in the API's body, in the form's order. */
    private Map<String, String> byName() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("first_name", firstName);
        fields.put("last_name", lastName);
        fields.put("company", company);
        fields.put("line1", line1);
        fields.put("line2", line2);
        fields.put("city", city);
        fields.put("region", region);
        fields.put("postal_code", postalCode);
        fields.put("country", country);
        fields.put("phone", phone);
        fields.put("tags", tags);
        return fields;
    }

    /** The body with every field: an address's creation. */
    ObjectNode body() {
        return body(null);
    }

    /** The body with the fields that differ from {@code shown} (every field when null): an address's change. */
    ObjectNode body(AddressForm shown) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        Map<String, String> before = shown == null ? Map.of() : shown.byName();
        byName().forEach((name, value) -> {
            if (shown != null && value.equals(before.get(name))) {
                return; // left as it was shown: whatever it is now stays
            }
            if (name.equals("tags")) {
                body.putArray("tags");
                Dashboard.putWords(body, "tags", value);
            } else {
                body.put(name, value);
            }
        });
        return body;
    }

    private static String field(Context ctx, String name) {
        return Objects.requireNonNullElse(ctx.formParam(name), "");
    }

    private static String shown(String value) {
        return value == null ? "" : value;
    }
}
