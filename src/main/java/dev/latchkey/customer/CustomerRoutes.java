package dev.latchkey.customer;

import dev.latchkey.auth.AccessToken;
import dev.latchkey.auth.Guard;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Requests;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.Set;

/** The logged-in shopper's own profile. */
public final class CustomerRoutes {
    private static final Set<String> READ_ONLY = Set.of("id", "email", "status", "email_verified", "created_at",
            "updated_at", "accepts_marketing_updated_at", "default_shipping_address_id", "default_billing_address_id");

    private final Guard guard;
    private final CustomerService customers;
    private final Requests requests;

    public CustomerRoutes(Guard guard, CustomerService customers, Requests requests) {
        this.guard = guard;
        this.customers = customers;
        this.requests = requests;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/v1/me", this::me);
        routes.patch("/v1/me", this::update);
    }

    private void me(Context ctx) {
        AccessToken token = guard.customer(ctx);
        ctx.json(CustomerView.of(customers.get(token.tenantId(), token.customerId()), requests.mapper()));
    }

    private void update(Context ctx) {
        AccessToken token = guard.customer(ctx);
        JsonInput in = requests.body(ctx);
        in.rejectPresent(READ_ONLY);
        Long version = in.integer("version", 1, Long.MAX_VALUE).orElse(null);
        ProfileInput changes = ProfileInput.read(in, requests.mapper());
        in.validate();
        Customer updated = customers.updateProfile(token.tenantId(), token.customerId(), changes, version);
        ctx.json(CustomerView.of(updated, requests.mapper()));
    }
}
