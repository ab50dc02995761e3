package dev.latchkey.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.credential.ImportedHashes;
import dev.latchkey.credential.PasswordPolicy;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.EmailAddress;
import dev.latchkey.customer.OrderSummary;
import dev.latchkey.customer.ProfileInput;
import dev.latchkey.customer.TagsAndNote;
import dev.latchkey.http.JsonInput;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.verification.RedirectPolicy;

import java.util.Set;

/**
 * Reads the body of {@code POST /v1/admin/customers} (a customer created, imported or invited), by the same rules for
 * one customer and for each row of a bulk import: what is wrong is collected in the {@link JsonInput}, for one 422 or
 * one row's errors.
 */
public final class NewAccountInput {
    private static final Set<String> READ_ONLY = Set.of("id", "mfa_enabled", "version", "created_at", "updated_at",
            "accepts_marketing_updated_at", "email_marketing_consent", "default_shipping_address_id",
            "default_billing_address_id");
    private static final String STATUS_VALUES = "status must be active, pending_activation, on_hold or disabled.";
    private static final int MAX_HASH = 512;

    private final TenantService tenants;
    private final PasswordPolicy policy;
    private final ObjectMapper mapper;

    public NewAccountInput(TenantService tenants, PasswordPolicy policy, ObjectMapper mapper) {
        this.tenants = tenants;
        this.policy = policy;
        this.mapper = mapper;
    }

    /** The account the body describes; meaningful only when {@code in} holds no error afterwards. */
    public AdminCustomerService.NewAccount read(JsonInput in, String tenantId) {
        in.rejectPresent(READ_ONLY);
        in.rejectPresent(OrderSummary.FIELDS);
        String email = EmailAddress.required(in, "email");
        String password = in.string("password", PasswordPolicy.MAX_FIELD_LENGTH).orElse(null);
        String hash = in.string("password_hash", MAX_HASH).orElse(null);
        String invitationUrl = in.string("invitation_url", RedirectPolicy.MAX_URL).orElse(null);
        boolean verified = in.bool("email_verified").orElse(false);
        Customer.Status status = status(in);
        ProfileInput profile = ProfileInput.read(in, mapper);
        TagsAndNote merchant = TagsAndNote.read(in);
        if (password != null && hash != null) {
            in.reject("password_hash", "invalid", "Give either password or password_hash, not both.");
        } else if (hash != null) {
            ImportedHashes.problem("password_hash", hash).ifPresent(e -> in.reject(e.field(), e.code(), e.message()));
        } else if (password != null) {
            var person = new PasswordPolicy.Person(email, profile.text("first_name"), profile.text("last_name"));
            policy.check("password", password, tenants.settings(tenantId), person)
                    .ifPresent(e -> in.reject(e.field(), e.code(), e.message()));
        }
        if (invitationUrl != null && (password != null || hash != null)) {
            in.reject("invitation_url", "invalid", "invitation_url is only for a customer created without a password.");
        }
        return new AdminCustomerService.NewAccount(email, verified, status == null ? Customer.Status.ACTIVE : status,
                password, hash, profile, merchant, invitationUrl);
    }

    /** The status named in the body, or null when there is none; an unknown one is a field error. */
    static Customer.Status status(JsonInput in) {
        String raw = in.string("status", 32).orElse(null);
        if (raw == null) {
            return null;
        }
        return Customer.Status.ofWire(raw).orElseGet(() -> {
            in.reject("status", "invalid", STATUS_VALUES);
            return null;
        });
    }

    /** The refusal of a status that is none of the four, for a body's field or a query parameter. */
    static String statusValues() {
        return STATUS_VALUES;
    }
}
