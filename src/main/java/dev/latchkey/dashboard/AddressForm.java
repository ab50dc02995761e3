package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.address.Address;
import io.javalin.http.Context;

import java.util.Objects;

/**
 * The fields of the address form as typed (shown again after a refusal), and the body of the admin API's
 * {@code POST} or {@code PATCH} of an address they stand for: the API's input class reads it, so the dashboard refuses
 * what the API refuses. Every field is sent: one left empty is cleared, as {@code ""} clears it.
 */
public record AddressForm(String firstName, String lastName, String company, String line1, String line2, String city,
                          String region, String postalCode, String country, String phone, String tags) {
    static final AddressForm BLANK = new AddressForm("", "", "", "", "", "", "", "", "", "", "");

    static AddressForm of(Context ctx) {
        return new AddressForm(field(ctx, "first_name"), field(ctx, "last_name"), field(ctx, "company"),
                field(ctx, "line1"), field(ctx, "line2"), field(ctx, "city"), field(ctx, "region"),
                field(ctx, "postal_code"), field(ctx, "country"), field(ctx, "phone"), field(ctx, "tags"));
    }

    /** The address as it is, for the edit form. */
    static AddressForm of(Address a) {
        return new AddressForm(shown(a.firstName()), shown(a.lastName()), shown(a.company()), shown(a.line1()),
                shown(a.line2()), shown(a.city()), shown(a.region()), shown(a.postalCode()), shown(a.country()),
                shown(a.phone()), String.join(", ", a.tags()));
    }

    ObjectNode body() {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("first_name", firstName).put("last_name", lastName)
                .put("company", company).put("line1", line1).put("line2", line2).put("city", city)
                .put("region", region).put("postal_code", postalCode).put("country", country).put("phone", phone);
        body.putArray("tags");
        Dashboard.putWords(body, "tags", tags);
        return body;
    }

    private static String field(Context ctx, String name) {
        return Objects.requireNonNullElse(ctx.formParam(name), "");
    }

    private static String shown(String value) {
        return value == null ? "" : value;
    }
}
