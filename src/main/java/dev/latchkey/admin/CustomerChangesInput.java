package dev.latchkey.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.customer.AdminChanges;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.EmailAddress;
import dev.latchkey.customer.OrderSummary;
import dev.latchkey.customer.ProfileInput;
import dev.latchkey.customer.TagsAndNote;
import dev.latchkey.http.JsonInput;

import java.util.Set;

/**
 * Reads the body of {@code PATCH /v1/admin/customers/{id}}, for the admin API and the dashboard's profile form alike:
 * what is wrong is collected in the {@link JsonInput}, for one 422.
 */
public final class CustomerChangesInput {
    /** A PATCH cannot set credentials: the customer chooses a password (reset link, invitation), never the merchant. */
    private static final Set<String> READ_ONLY = Set.of("id", "mfa_enabled", "created_at", "updated_at",
            "accepts_marketing_updated_at", "email_marketing_consent", "default_shipping_address_id",
            "default_billing_address_id", "password", "password_hash");

    /** The changes, and the {@code version} they were made for (null: whatever the customer's is now). */
    public record Changes(AdminChanges changes, Long version) {
    }

    private CustomerChangesInput() {
    }

    /** The changes the body asks for; meaningful only when {@code in} holds no error afterwards. */
    public static Changes read(JsonInput in, ObjectMapper mapper) {
        in.rejectPresent(READ_ONLY);
        in.rejectPresent(OrderSummary.FIELDS);
        for (String field : new String[] {"email", "email_verified", "status"}) {
            if (in.has(field) && in.raw().get(field).isNull()) {
                in.reject(field, "invalid_type", field + " cannot be null.");
            }
        }
        Long version = in.integer("version", 1, Long.MAX_VALUE).orElse(null);
        String email = in.has("email") && !in.hasErrorFor("email") ? EmailAddress.required(in, "email") : null;
        Boolean verified = in.bool("email_verified").orElse(null);
        Customer.Status status = NewAccountInput.status(in);
        ProfileInput profile = ProfileInput.read(in, mapper);
        TagsAndNote merchant = TagsAndNote.read(in);
        return new Changes(new AdminChanges(email, verified, status, profile, merchant), version);
    }
}
