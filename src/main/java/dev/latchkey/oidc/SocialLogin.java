package dev.latchkey.oidc;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.audit.ActorCheck;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.auth.Guard;
import dev.latchkey.auth.LoginAdmission;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.customer.WaysIn;
import dev.latchkey.db.Database;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.Requests;
import dev.latchkey.ratelimit.RateLimits;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.webhook.OutboundCalls;
import io.javalin.router.JavalinDefaultRoutingApi;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Social login, wired: the merchant's identity providers (admin routes), the storefront's start and callback, the
 * shopper's linked accounts, and what erasure and housekeeping need of them.
 */
public final class SocialLogin implements AutoCloseable {
    private final OidcStore store;
    /** The server's own calls to the providers, by the webhooks' rules of where it may call. */
    private final OutboundCalls calls;
    private final IdentityProviderRoutes adminRoutes;
    private final SocialLoginRoutes shopperRoutes;
    private final CustomerIdentityRoutes customerRoutes;
    private final SocialLoginService service;
    private final MerchantSocialLogin merchant;

    public SocialLogin(Database db, byte[] serverKey, BooleanSupplier serverKeyUsable, boolean allowPrivate,
                       TenantService tenants, CustomerService customers, WaysIn waysIn, LoginAdmission admission,
                       AuditLog audit, ActorCheck owners, Guard guard, RateLimits limits, Requests requests,
                       ObjectMapper mapper,
                       Clock clock) {
        this.store = new OidcStore(db.isPostgres());
        this.calls = new OutboundCalls(allowPrivate);
        var providers = new IdentityProviderService(db, store, serverKey, serverKeyUsable, tenants, audit, owners,
                clock);
        this.service = new SocialLoginService(db, store, providers, new ProviderDirectory(calls, mapper, clock),
                new IdTokens(mapper), tenants, customers, waysIn, admission, audit, mapper, clock);
        this.merchant = new MerchantSocialLogin(providers, new ProviderInput(calls), service);
        this.adminRoutes = new IdentityProviderRoutes(guard, merchant, requests);
        this.shopperRoutes = new SocialLoginRoutes(guard, service, tenants, limits, requests);
        this.customerRoutes = new CustomerIdentityRoutes(guard, service, requests);
    }

    public void addAdminRoutes(JavalinDefaultRoutingApi routes) {
        adminRoutes.addTo(routes);
        customerRoutes.addTo(routes);
    }

    public void addShopperRoutes(JavalinDefaultRoutingApi routes) {
        shopperRoutes.addTo(routes);
    }

    /**
     * How many provider accounts a customer has linked to providers the shop has enabled, for {@link WaysIn}: its
     * store keeps no state of its own.
     */
    public static WaysIn.Held linkedAccounts(boolean postgres) {
        return new OidcStore(postgres)::countUsableIdentities;
    }

    /** The merchant's providers and a customer's linked accounts, for the dashboard. */
    public MerchantSocialLogin merchant() {
        return merchant;
    }

    /** The export of a customer's data: their linked provider accounts, oldest first. */
    public List<?> identitiesOf(String tenantId, String customerId) {
        return service.identities(tenantId, customerId);
    }

    /**
     * Every provider account linked to the customer is unlinked, in the caller's transaction, each recorded as
     * {@code identity.unlinked} with the {@code reason}: the address changed hands (see
     * {@link dev.latchkey.customer.EarlierWaysIn}). Whether any was linked.
     */
    public boolean unlinkAll(Handle h, Customer customer, String reason, ClientInfo client) {
        return service.unlinkAll(h, customer, reason, client);
    }

    /** The erasure of a customer: their links to provider accounts go with the account. */
    public void erase(Handle h, String tenantId, String customerId) {
        store.eraseIdentities(h, tenantId, customerId);
    }

    /** Housekeeping: logins that never came back from the provider. */
    public int purgeExpired(Handle h, String tenantId, Instant now) {
        return store.purgeStates(h, tenantId, now);
    }

    @Override
    public void close() {
        calls.close();
    }
}
