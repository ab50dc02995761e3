package dev.latchkey.customer;

import dev.latchkey.auth.Guard;
import dev.latchkey.auth.Permission;
import dev.latchkey.credential.ImportedHashes;
import dev.latchkey.credential.PasswordPolicy;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Requests;
import dev.latchkey.tenant.TenantService;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.Arrays;
import java.util.Set;

/**
 * The merchant creates or imports a customer. An import brings the password hash from the old shop system (Argon2 PHC
 * or bcrypt), which verifies as it is and is moved to Argon2id at the customer's first login.
 */
public final class AdminCustomerRoutes {
    private static final Set<String> READ_ONLY = Set.of("id", "version", "created_at", "updated_at",
            "accepts_marketing_updated_at", "default_shipping_address_id", "default_billing_address_id");
    private static final int MAX_HASH = 512;

    private final Guard guard;
    private final CustomerService customers;
    private final TenantService tenants;
    private final PasswordPolicy policy;
    private final Requests requests;

    public AdminCustomerRoutes(Guard guard, CustomerService customers, TenantService tenants, PasswordPolicy policy,
                               Requests requests) {
        this.guard = guard;
        this.customers = customers;
        this.tenants = tenants;
        this.policy = policy;
        this.requests = requests;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.post("/v1/admin/customers", this::create);
    }

    private void create(Context ctx) {
        String tenantId = guard.admin(ctx, Permission.EDIT_CUSTOMERS).tenantId();
        JsonInput in = requests.body(ctx);
        in.rejectPresent(READ_ONLY);
        String email = EmailAddress.required(in, "email");
        String password = in.string("password", PasswordPolicy.MAX_LENGTH * 4).orElse(null);
        String hash = in.string("password_hash", MAX_HASH).orElse(null);
        boolean verified = in.bool("email_verified").orElse(false);
        Customer.Status status = status(in);
        ProfileInput profile = ProfileInput.read(in, requests.mapper());
        if (password != null && hash != null) {
            in.reject("password_hash", "invalid", "Give either password or password_hash, not both.");
        } else if (password == null && hash == null && !in.hasErrorFor("password") && !in.hasErrorFor("password_hash")) {
            in.reject("password", "required", "password or password_hash is required.");
        } else if (hash != null) {
            ImportedHashes.problem("password_hash", hash).ifPresent(e -> in.reject(e.field(), e.code(), e.message()));
        } else if (password != null) {
            var person = new PasswordPolicy.Person(email, profile.text("first_name"), profile.text("last_name"));
            policy.check("password", password, tenants.settings(tenantId), person)
                    .ifPresent(e -> in.reject(e.field(), e.code(), e.message()));
        }
        in.validate();
        var input = new CustomerService.NewCustomer(email, verified, status, password, hash, profile);
        Customer created = customers.create(tenantId, input, requests.client(ctx));
        ctx.status(201).json(CustomerView.of(created, requests.mapper()));
    }

    private static Customer.Status status(JsonInput in) {
        String raw = in.string("status", 32).orElse(null);
        if (raw == null) {
            return Customer.Status.ACTIVE;
        }
        return Arrays.stream(Customer.Status.values()).filter(s -> s.wire().equals(raw)).findFirst().orElseGet(() -> {
            in.reject("status", "invalid", "status must be active, pending_activation, on_hold or disabled.");
            return Customer.Status.ACTIVE;
        });
    }
}
