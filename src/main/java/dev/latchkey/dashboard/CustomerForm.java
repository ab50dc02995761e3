package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.customer.Customer;
import io.javalin.http.Context;

import java.util.Objects;

/**
 * The fields of the "Add customer" and "Edit profile" forms as typed (shown again after a refusal), and the admin
 * API's body they stand for: the same input classes read it, so the dashboard refuses what the API refuses.
 */
public record CustomerForm(String email, String firstName, String lastName, String phone, String language,
                           boolean marketing, String tags, String note, boolean invite) {
    static final CustomerForm BLANK = new CustomerForm("", "", "", "", "", false, "", "", false);
    private static final String TICKED = "yes";

    static CustomerForm of(Context ctx) {
        return new CustomerForm(field(ctx, "email"), field(ctx, "first_name"), field(ctx, "last_name"),
                field(ctx, "phone"), field(ctx, "preferred_language"), TICKED.equals(ctx.formParam("accepts_marketing")),
                field(ctx, "tags"), field(ctx, "note"), TICKED.equals(ctx.formParam("invite")));
    }

    /** The customer's profile as it is, for the edit form. */
    static CustomerForm of(Customer customer) {
        Customer.Profile p = customer.profile();
        return new CustomerForm(customer.email(), shown(p.firstName()), shown(p.lastName()), shown(p.phone()),
                shown(p.preferredLanguage()), p.acceptsMarketing(), "", "", false);
    }

    /** The profile as a PATCH's body for {@code version}: a field left empty is cleared, as {@code ""} clears it. */
    ObjectNode changes(long version) {
        return profile().put("version", version);
    }

    /** A create's body: the profile with the merchant's tags (comma-separated, as on the customer page) and note. */
    ObjectNode newAccount() {
        ObjectNode body = profile();
        body.putArray("tags").addAll(CustomerSupport.tagsOf(tags).stream()
                .map(JsonNodeFactory.instance::textNode).toList());
        return body.put("note", note);
    }

    private ObjectNode profile() {
        return JsonNodeFactory.instance.objectNode().put("email", email).put("first_name", firstName)
                .put("last_name", lastName).put("phone", phone).put("preferred_language", language)
                .put("accepts_marketing", marketing);
    }

    private static String field(Context ctx, String name) {
        return Objects.requireNonNullElse(ctx.formParam(name), "");
    }

    private static String shown(String value) {
        return value == null ? "" : value;
    }
}
