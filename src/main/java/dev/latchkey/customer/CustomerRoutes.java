package dev.latchkey.customer;

import dev.latchkey.auth.AccessToken;
import dev.latchkey.auth.AgentScope;
import dev.latchkey.auth.Guard;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Requests;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.tenant.TenantSettings;
import dev.latchkey.verification.RedirectPolicy;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.Set;

/** The logged-in shopper's own profile. */
public final class CustomerRoutes {
    /**
     * Credentials too: a password sent here would otherwise be ignored, and the caller think it changed. So would the
     * merchant's tags and note, which are the shop's to write (and not shown here).
     */
    private static final Set<String> READ_ONLY = Set.of("id", "email", "status", "email_verified", "created_at",
            "updated_at", "accepts_marketing_updated_at", "default_shipping_address_id", "default_billing_address_id",
            "password", "password_hash", "tags", "note", "email_marketing_consent");

    private final Guard guard;
    private final CustomerService customers;
    private final Requests requests;
    private final CustomerExpansions expansions;
    private final TenantService tenants;

    public CustomerRoutes(Guard guard, CustomerService customers, Requests requests, CustomerExpansions expansions,
                          TenantService tenants) {
        this.guard = guard;
        this.customers = customers;
        this.tenants = tenants;
        this.requests = requests;
        this.expansions = expansions;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/v1/me", this::me);
        routes.patch("/v1/me", this::update);
    }

    private void me(Context ctx) {
        AccessToken token = guard.customer(ctx, AgentScope.PROFILE_READ);
        Set<String> expand = expansions.requested(ctx);
        if (expand.contains("addresses")) {
            Guard.requireScope(token, AgentScope.ADDRESSES_READ);
        }
        ctx.json(expansions.view(customers.profile(token.tenantId(), token.customerId()), expand));
    }

    private void update(Context ctx) {
        AccessToken token = guard.customer(ctx, AgentScope.PROFILE_WRITE);
        JsonInput in = requests.body(ctx);
        if (in.has("accepts_marketing")) {
            Guard.inPerson(token); // consent to marketing is the customer's to give or take back
        }
        in.rejectPresent(READ_ONLY);
        TenantSettings settings = tenants.settings(token.tenantId());
        String marketingUrl = in.string(RedirectPolicy.MARKETING_FIELD, RedirectPolicy.MAX_URL).orElse(null);
        String marketingLinkBase = RedirectPolicy.linkBase(settings, marketingUrl, RedirectPolicy.MARKETING_FIELD);
        Long version = in.integer("version", 1, Long.MAX_VALUE).orElse(null);
        ProfileInput changes = ProfileInput.read(in, requests.mapper());
        in.validate();
        // an agent's or impersonation's change is told from the customer's own by its session
        Customer updated = customers.updateProfile(token.tenantId(), settings, token.customerId(), changes, version,
                marketingLinkBase, requests.client(ctx), token.actedBy());
        ctx.json(CustomerView.of(updated, requests.mapper()));
    }
}
