package dev.latchkey.oidc;

import dev.latchkey.auth.AccessToken;
import dev.latchkey.auth.Guard;
import dev.latchkey.auth.SessionKind;
import dev.latchkey.cart.GuestCart;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.Identifiers;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Requests;
import dev.latchkey.ratelimit.LimitedAction;
import dev.latchkey.ratelimit.RateLimits;
import dev.latchkey.tenant.ApiKey;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.verification.RedirectPolicy;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.Map;
import java.util.function.Supplier;

/** The storefront's side of social login: start, callback, and the shopper's linked provider accounts. */
final class SocialLoginRoutes {
    private static final int MAX_STATE = 128;
    private static final int MAX_BINDING = 128;
    private static final int MAX_CODE = 2048;

    private final Guard guard;
    private final SocialLoginService login;
    private final TenantService tenants;
    private final RateLimits limits;
    private final Requests requests;

    SocialLoginRoutes(Guard guard, SocialLoginService login, TenantService tenants, RateLimits limits,
                      Requests requests) {
        this.guard = guard;
        this.login = login;
        this.tenants = tenants;
        this.limits = limits;
        this.requests = requests;
    }

    void addTo(JavalinDefaultRoutingApi routes) {
        routes.post("/v1/auth/oidc/{slug}/start", this::start);
        routes.post("/v1/auth/oidc/{slug}/callback", this::callback);
        routes.get("/v1/me/identities", this::identities);
        routes.delete("/v1/me/identities/{id}", this::unlink);
    }

    /**
     * Each start stores a waiting login: limited per IP as guest sessions are. With {@code link: true} the caller's
     * customer token names the account the provider account will be linked to.
     */
    private void start(Context ctx) {
        ApiKey key = guard.storefront(ctx);
        String slug = slug(ctx);
        JsonInput in = requests.body(ctx);
        String redirectUri = in.required("redirect_uri", RedirectPolicy.MAX_URL);
        boolean link = in.bool("link").orElse(false);
        in.validate();
        RedirectPolicy.check(tenants.settings(key.tenantId()), redirectUri, "redirect_uri");
        AccessToken linking = link ? ownCustomer(ctx, key) : null;
        limits.enforce(ctx, key.tenantId(), LimitedAction.ANONYMOUS, null);
        var started = login.start(key.tenantId(), slug, redirectUri, linking);
        ctx.json(Map.of("authorization_url", started.authorizationUrl(), "state", started.state(),
                "binding", started.binding()));
    }

    /**
     * Counted in the login's per-IP bucket: a callback is a login. {@code binding} is the start's, which the
     * storefront kept in the browser that started the login.
     */
    private void callback(Context ctx) {
        ApiKey key = guard.storefront(ctx);
        String slug = slug(ctx);
        JsonInput in = requests.body(ctx);
        String state = in.required("state", MAX_STATE);
        String binding = in.required("binding", MAX_BINDING);
        String code = in.required("code", MAX_CODE);
        String cartId = in.string("cart_id", 64).orElse(null);
        in.validate();
        limits.enforce(ctx, key.tenantId(), LimitedAction.LOGIN, null);
        // Asked for by a state started to link only, which the same customer's token must finish. A login ignores
        // whatever token comes along: a storefront may still send its last shopper's, expired or revoked.
        Supplier<String> caller = () -> {
            String bearer = Guard.bearer(ctx);
            boolean customer = bearer != null && bearer.startsWith(SessionKind.CUSTOMER.accessPrefix() + "_");
            return customer ? ownCustomer(ctx, key).customerId() : null;
        };
        GuestCart guestCart = cartId == null ? null : guard.anonymousSession(ctx, key)
                .map(session -> new GuestCart(cartId, session.sessionId())).orElse(null);
        var finished = login.callback(key.tenantId(), slug, state, binding, code, guestCart, caller,
                requests.client(ctx));
        ctx.status(finished.status()).json(finished.body());
    }

    private void identities(Context ctx) {
        AccessToken token = guard.customer(ctx);
        ctx.json(Map.of("data", login.identities(token.tenantId(), token.customerId())));
    }

    private void unlink(Context ctx) {
        AccessToken token = guard.customer(ctx);
        String id = Identifiers.pathId(ctx, "id", "Identity");
        login.unlink(token.tenantId(), token.customerId(), id, requests.client(ctx));
        ctx.status(204);
    }

    /** The caller's own customer token, of the key's shop. */
    private AccessToken ownCustomer(Context ctx, ApiKey key) {
        AccessToken token = guard.customer(ctx);
        if (!token.tenantId().equals(key.tenantId())) {
            throw ApiError.invalidToken();
        }
        return token;
    }

    /** A slug that cannot be one is no provider: 404 without a look at the database. */
    private static String slug(Context ctx) {
        String slug = ctx.pathParam("slug");
        if (!ProviderInput.SLUG.matcher(slug).matches()) {
            throw ApiErrors.providerNotFound();
        }
        return slug;
    }
}
