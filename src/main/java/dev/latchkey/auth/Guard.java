package dev.latchkey.auth;

import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientAddresses;
import dev.latchkey.tenant.ApiKey;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.tenant.TenantSettings;
import io.javalin.http.Context;

import java.util.stream.Stream;
import java.util.Optional;

/**
 * Who may call: resolves the API key, the bearer token or the platform token of a request, or refuses it with the
 * contract's code. Routes call it first thing, so every route states its own requirement.
 */
public final class Guard {
    /** Response headers a storefront script may read: without this a browser hides all but a safelisted few. */
    private static final String EXPOSED_HEADERS =
            "X-Request-Id, Retry-After, RateLimit, RateLimit-Policy, WWW-Authenticate";
    /**
     * Storefront keys travel in their own header, which no registered authentication scheme describes; the challenge
     * names it, as API-key services commonly do.
     */
    private static final String API_KEY_CHALLENGE = "ApiKey header=\"X-Api-Key\"";
    private static final String STAFF_ID_PREFIX = "staff_";
    private final TenantService tenants;
    private final TokenService tokens;
    private final String platformToken;
    private final StaffTokens staff;

    public Guard(TenantService tenants, TokenService tokens, String platformToken, StaffTokens staff) {
        this.tenants = tenants;
        this.tokens = tokens;
        this.platformToken = platformToken;
        this.staff = staff;
    }

    /**
     * Storefront routes: {@code X-Api-Key} with a publishable or secret key. Adds CORS for allowed origins, also to the
     * refusal of a suspended tenant's key, so that its storefront can tell its shoppers why. A secret key marks the
     * request as relayed by the merchant's back end, which may name the shopper in {@code X-Buyer-Ip}.
     */
    public ApiKey storefront(Context ctx) {
        return storefront(ctx, true).key();
    }

    /** A storefront request's key and the tenant it names, as the key's lookup found them. */
    private record Storefront(ApiKey key, Tenant tenant) {
    }

    private Storefront storefront(Context ctx, boolean activeTenant) {
        String raw = ctx.header("X-Api-Key");
        ApiKey key = knownKey(raw).orElseThrow(() -> refused(raw, API_KEY_CHALLENGE,
                "X-Api-Key takes the publishable key (pk_) or the secret key (sk_), not a token."));
        if (key.kind() == ApiKey.Kind.SECRET) {
            ClientAddresses.markRelay(ctx);
        }
        Tenant tenant = tenants.tenant(key.tenantId());
        allowOrigin(ctx, tenant.settings());
        if (activeTenant) {
            tenant.requireActive();
        }
        return new Storefront(key, tenant);
    }

    /**
     * The CORS headers of {@link #storefront} for a storefront request refused before its route looked at the key (a
     * malformed query string): set when the key is valid and its tenant allows the origin, nothing otherwise.
     */
    public void corsBeforeRoute(Context ctx) {
        // without a valid key the request's own refusal is answered; no tenant, so no origin to allow
        knownKey(ctx.header("X-Api-Key")).ifPresent(key -> allowOrigin(ctx, tenants.settings(key.tenantId())));
    }

    private static void allowOrigin(Context ctx, TenantSettings settings) {
        String origin = ctx.header("Origin");
        if (origin != null && settings.allowedOrigins().contains(origin)) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Access-Control-Expose-Headers", EXPOSED_HEADERS);
            ctx.header("Vary", "Origin");
        }
    }

    /**
     * Storefront routes of a shopper's cart: a live {@code cust_} or {@code anon_} token, or an agent's {@code agt_}
     * token whose grant covers {@code scope} (403 otherwise).
     */
    public AccessToken token(Context ctx, AgentScope scope) {
        return withinGrant(anyToken(ctx), scope);
    }

    /** Any live shopper's token, an agent's whatever its scope: for the routes that only tell a token about itself. */
    public AccessToken anyToken(Context ctx) {
        return token(ctx, true);
    }

    /**
     * {@link #anyToken} for a logout: ending a session only takes access away, so a suspended tenant's shopper may
     * still end theirs (and it stays ended when the tenant is reactivated), and an agent may end its own grant.
     */
    public AccessToken tokenToEnd(Context ctx) {
        Storefront caller = storefront(ctx, false);
        return actingAs(ctx, tokens.authenticateToEnd(caller.key().tenantId(), caller.tenant().settings(),
                shopperBearer(ctx)));
    }

    private AccessToken token(Context ctx, boolean activeTenant) {
        Storefront caller = storefront(ctx, activeTenant);
        return actingAs(ctx, tokens.authenticate(caller.key().tenantId(), caller.tenant().settings(),
                shopperBearer(ctx)));
    }

    /**
     * Marks a request made with an impersonation's token with the staff member or secret key that holds it, as an admin
     * request is marked: every audit event it records then names who really acted.
     */
    private static AccessToken actingAs(Context ctx, AccessToken token) {
        if (token.isImpersonated()) {
            if (token.impersonatedBy().startsWith(STAFF_ID_PREFIX)) {
                ClientAddresses.markStaff(ctx, token.impersonatedBy());
            } else {
                ClientAddresses.markApiKey(ctx, token.impersonatedBy());
            }
        }
        return token;
    }

    /** The bearer token, refused as the wrong kind (403) when it is a live credential other than a shopper's token. */
    private String shopperBearer(Context ctx) {
        String raw = bearer(ctx);
        if (raw != null && !TokenService.isShopperAccessToken(raw) && liveCredential(raw)) {
            throw ApiError.insufficientScope("Storefront routes take a shopper's token (cust_, anon_ or agt_) as "
                    + "Bearer, not an API key, a refresh token, a staff session or the platform token.");
        }
        return raw;
    }

    /**
     * Storefront routes for a logged-in customer's own token only: an anonymous token is the wrong kind (403), and so
     * is an agent's, whatever its scope (password, email, sessions, agents, export, deletion, renewal). The merchant
     * logged in as the customer is refused too (403 {@code impersonation_forbidden}): what these routes change must
     * come from the customer.
     */
    public AccessToken customer(Context ctx) {
        AccessToken token = notAnAgent(anyToken(ctx));
        if (!token.isCustomer()) {
            throw ApiError.insufficientScope("This route needs a logged-in customer (a cust_ token).");
        }
        return inPerson(token);
    }

    /** 403 {@code impersonation_forbidden} for the merchant's token as the customer, where the customer must act. */
    public static AccessToken inPerson(AccessToken token) {
        if (token.isImpersonated()) {
            throw new ApiError(403, "impersonation_forbidden", "Staff logged in as the customer may not do this: it "
                    + "is the customer's own to do (credentials, sign-in, sessions, agents, export, deletion, "
                    + "marketing consent).");
        }
        return token;
    }

    /**
     * Storefront routes of a customer's own data: the customer's {@code cust_} token, or an agent's {@code agt_}
     * token acting for them whose grant covers {@code scope}. An anonymous token is the wrong kind (403).
     */
    public AccessToken customer(Context ctx, AgentScope scope) {
        AccessToken token = withinGrant(anyToken(ctx), scope);
        if (token.customerId() == null) {
            throw ApiError.insufficientScope("This route needs a logged-in customer (a cust_ token) or an agent "
                    + "acting for one (an agt_ token with the scope " + scope.wire() + ").");
        }
        return token;
    }

    /** For a part of a route that needs a scope of its own (an expansion): 403 for an agent's grant without it. */
    public static void requireScope(AccessToken token, AgentScope scope) {
        withinGrant(token, scope);
    }

    private static AccessToken withinGrant(AccessToken token, AgentScope scope) {
        if (!token.allows(scope)) {
            // RFC 6750 3.1: the challenge may name the scope the request needs
            throw ApiError.insufficientScope("This agent's grant lacks the scope " + scope.wire()
                    + "; the customer may grant an agent with it.").withHeader("WWW-Authenticate",
                    "Bearer error=\"insufficient_scope\", scope=\"" + scope.wire() + "\"");
        }
        return token;
    }

    private static AccessToken notAnAgent(AccessToken token) {
        if (token.isAgent()) {
            throw ApiError.insufficientScope("An agent's token (agt_) may not use this route, whatever its scope: it "
                    + "needs the customer's own token (cust_).");
        }
        return token;
    }

    /**
     * The caller's live anonymous session, when its {@code anon_} token is presented as Bearer on a route that does not
     * require one (log-in, registration). No token, a customer token or a dead one is simply no session.
     */
    public Optional<AccessToken> anonymousSession(Context ctx, ApiKey key) {
        String raw = bearer(ctx);
        if (raw == null || !raw.startsWith(SessionKind.ANONYMOUS.accessPrefix() + "_")) {
            return Optional.empty();
        }
        try {
            return Optional.of(tokens.authenticate(key.tenantId(), tenants.settings(key.tenantId()), raw));
        } catch (ApiError e) {
            return Optional.empty();
        }
    }

    /** The bearer token when one was sent, without validating it. */
    public static String bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String value = header.substring(7).trim();
        return value.isEmpty() ? null : value;
    }

    /**
     * Admin routes: {@code Authorization: Bearer sk_...} (acting as owner within the key's scopes, which its cached
     * record holds: no query more) or a staff session {@code stf_...}. A valid caller without the permission (a key
     * without the scope, a role without it) gets 403 {@code insufficient_scope}; a publishable key and any other live
     * credential too (see {@link #refused}). A suspended tenant's key or staff session gets 403
     * {@code tenant_suspended}, but for a secret key the operator issued during the suspension
     * ({@link Tenant#rescuedBy}). A staff session of a member without a second factor gets 403
     * {@code mfa_setup_required} while the tenant requires one ({@code require_staff_mfa}). The request is marked with
     * the staff member or the secret key that acts, for the audit log. A route that needs several permissions (a
     * merge changes one customer and erases another) names the first one the caller lacks.
     */
    public AdminPrincipal admin(Context ctx, Permission permission, Permission... more) {
        AdminPrincipal principal = adminCaller(ctx, true);
        for (Permission needed : Stream.concat(Stream.of(permission), Stream.of(more)).toList()) {
            if (!principal.can(needed)) {
                throw ApiError.insufficientScope(principal.staffId() == null
                        ? "This secret key lacks the scope " + needed.wire() + "."
                        : "The " + principal.role().wire() + " role may not do this.");
            }
        }
        return principal;
    }

    /**
     * Admin routes about the caller's own staff session (its password): every role may use them, so no permission
     * (nor a key's scope) is checked; the route refuses a secret key, which has no session of its own.
     */
    public AdminPrincipal ownStaffSession(Context ctx) {
        return adminCaller(ctx, true);
    }

    /** {@link #ownStaffSession} for a staff member's logout, which a suspended tenant's staff may still do. */
    public AdminPrincipal ownStaffSessionToEnd(Context ctx) {
        return adminCaller(ctx, false);
    }

    private AdminPrincipal adminCaller(Context ctx, boolean activeTenant) {
        String raw = bearer(ctx);
        AdminPrincipal principal;
        ApiKey secretKey = null;
        boolean withoutSecondFactor = false;
        if (raw != null && raw.startsWith("stf_")) {
            StaffTokens.Caller caller = staff.authenticate(raw).orElseThrow(ApiError::invalidToken);
            principal = caller.principal();
            withoutSecondFactor = !caller.mfaEnabled();
            ClientAddresses.markStaff(ctx, principal.staffId());
        } else {
            ApiKey key = knownKey(raw).orElseThrow(() -> refused(raw, ApiError.BEARER_INVALID_TOKEN,
                    "Admin routes need the secret key (sk_) or a staff session (stf_), not another kind of credential."));
            if (key.kind() != ApiKey.Kind.SECRET) {
                throw ApiError.insufficientScope("Admin routes need the secret key (sk_), not the publishable key.");
            }
            ClientAddresses.markApiKey(ctx, key.id());
            principal = AdminPrincipal.secretKey(key.tenantId(), key.scopes());
            secretKey = key;
        }
        if (activeTenant) {
            Tenant tenant = tenants.tenant(principal.tenantId());
            if (secretKey == null || !tenant.rescuedBy(secretKey)) {
                tenant.requireActive();
            }
            if (withoutSecondFactor && tenant.settings().requireStaffMfa()) {
                throw StaffTokens.mfaSetupRequired(); // a logout (activeTenant false) still ends the session
            }
        }
        return principal;
    }

    /** Platform routes: the operator's token, compared in constant time. */
    public void platform(Context ctx) {
        String raw = bearer(ctx);
        if (raw == null || !Secrets.constantTimeEquals(raw, platformToken)) {
            if (raw != null && liveCredential(raw)) {
                throw ApiError.insufficientScope("Platform routes take the operator's platform token, not a tenant's "
                        + "key, a staff session or a shopper's token.");
            }
            throw new ApiError(401, "invalid_token", "The platform token is missing or wrong.")
                    .withHeader("WWW-Authenticate", ApiError.BEARER_INVALID_TOKEN);
        }
    }

    /**
     * Whether {@code raw} is a credential that works somewhere: an API key, a staff session, a shopper's access or
     * refresh token of any tenant, or the platform token. Sent where another kind is needed, it is the wrong kind
     * (403), not an unknown one (401): a client that takes a 401 for an expired session would otherwise log its
     * shopper out over a setup mistake.
     */
    private boolean liveCredential(String raw) {
        return knownKey(raw).isPresent() || liveOtherThanKey(raw);
    }

    /** {@link #liveCredential} for what no key lookup found; each kind is told by its prefix before any lookup. */
    private boolean liveOtherThanKey(String raw) {
        return Secrets.constantTimeEquals(raw, platformToken) || staff.isLive(raw) || tokens.isLiveShopperToken(raw);
    }

    /** The live key {@code raw} is: one cached lookup, the only one a valid key costs. */
    private Optional<ApiKey> knownKey(String raw) {
        if (raw == null || !(raw.startsWith("pk_") || raw.startsWith("sk_")) || raw.length() > 128) {
            return Optional.empty();
        }
        return tenants.key(raw);
    }

    /**
     * Where an API key was needed and {@code raw} is none: 403 {@code insufficient_scope} with {@code wrongKind} for a
     * credential that works elsewhere, else 401 with the challenge that names where the key goes (a 401 must carry one,
     * RFC 9110 15.5.2). Only a refused request pays for the lookups that tell the two apart.
     */
    private ApiError refused(String raw, String challenge, String wrongKind) {
        return raw != null && liveOtherThanKey(raw) ? ApiError.insufficientScope(wrongKind) : invalidKey(challenge);
    }

    /** A secret key revoked while its request was under way: answered as its next request will be. */
    static ApiError invalidApiKey() {
        return invalidKey(ApiError.BEARER_INVALID_TOKEN);
    }

    private static ApiError invalidKey(String challenge) {
        return new ApiError(401, "invalid_api_key", "The API key is missing, unknown or revoked.")
                .withHeader("WWW-Authenticate", challenge);
    }
}
