package dev.latchkey.customer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.auth.AccessToken;
import dev.latchkey.auth.Guard;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Requests;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The logged-in shopper's own profile. */
public final class CustomerRoutes {
    /** Credentials too: a password sent here would otherwise be ignored, and the caller think it changed. */
    private static final Set<String> READ_ONLY = Set.of("id", "email", "status", "email_verified", "created_at",
            "updated_at", "accepts_marketing_updated_at", "default_shipping_address_id", "default_billing_address_id",
            "password", "password_hash");

    private final Guard guard;
    private final CustomerService customers;
    private final Requests requests;
    private final Map<String, CustomerExpansion> expansions;

    public CustomerRoutes(Guard guard, CustomerService customers, Requests requests,
                          Map<String, CustomerExpansion> expansions) {
        this.guard = guard;
        this.customers = customers;
        this.requests = requests;
        this.expansions = Map.copyOf(expansions);
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/v1/me", this::me);
        routes.patch("/v1/me", this::update);
    }

    private void me(Context ctx) {
        AccessToken token = guard.customer(ctx);
        Set<String> expand = expand(ctx);
        Customer customer = customers.profile(token.tenantId(), token.customerId());
        CustomerView view = CustomerView.of(customer, requests.mapper());
        if (expand.isEmpty()) {
            ctx.json(view);
            return;
        }
        ObjectNode body = requests.mapper().valueToTree(view);
        for (String name : expand) {
            Object part = expansions.get(name).expand(token.tenantId(), token.customerId());
            body.set(name, requests.mapper().valueToTree(part));
        }
        ctx.json(body);
    }

    /** {@code ?expand=a,b} or {@code ?expand=a&expand=b}; an unknown name is refused rather than ignored. */
    private Set<String> expand(Context ctx) {
        Set<String> names = new LinkedHashSet<>();
        for (String value : ctx.queryParams("expand")) {
            for (String name : value.split(",")) {
                if (!name.isBlank()) {
                    names.add(name.trim());
                }
            }
        }
        for (String name : names) {
            if (!expansions.containsKey(name)) {
                throw ApiError.validation("expand", "invalid",
                        "expand may name " + String.join(", ", new TreeSet<>(expansions.keySet())) + ".");
            }
        }
        return names;
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
