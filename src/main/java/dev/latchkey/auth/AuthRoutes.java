package dev.latchkey.auth;

import dev.latchkey.cart.GuestCart;
import dev.latchkey.credential.PasswordPolicy;
import dev.latchkey.customer.EmailAddress;
import dev.latchkey.customer.ProfileInput;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Requests;
import dev.latchkey.mfa.MfaRoutes;
import dev.latchkey.ratelimit.LimitedAction;
import dev.latchkey.ratelimit.RateLimits;
import dev.latchkey.tenant.ApiKey;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.tenant.TenantSettings;
import dev.latchkey.verification.LoginCodes;
import dev.latchkey.verification.RedirectPolicy;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Registration, log-in (a password or an emailed code, then a second factor where the account has one) and the token
 * lifecycle, for customers and guests.
 */
public final class AuthRoutes {
    private static final Pattern CODE = Pattern.compile("[0-9]{" + LoginCodes.LENGTH + "}");

    private final Guard guard;
    private final AuthService auth;
    private final LoginCodeService loginCodes;
    private final LoginCompletion completion;
    private final TenantService tenants;
    private final PasswordPolicy policy;
    private final RateLimits limits;
    private final Requests requests;
    private final Clock clock;

    public AuthRoutes(Guard guard, AuthService auth, LoginCodeService loginCodes, LoginCompletion completion,
                      TenantService tenants, PasswordPolicy policy, RateLimits limits, Requests requests, Clock clock) {
        this.guard = guard;
        this.auth = auth;
        this.loginCodes = loginCodes;
        this.completion = completion;
        this.tenants = tenants;
        this.policy = policy;
        this.limits = limits;
        this.requests = requests;
        this.clock = clock;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.post("/v1/customers", this::register);
        routes.post("/v1/auth/login", this::login);
        routes.post("/v1/auth/login/code", this::requestCode);
        routes.post("/v1/auth/login/code/verify", this::loginWithCode);
        routes.post("/v1/auth/mfa", this::secondFactor);
        routes.post("/v1/auth/refresh", this::refresh);
        routes.post("/v1/auth/renew", this::renew);
        routes.post("/v1/auth/logout", this::logout);
        routes.get("/v1/auth/token", this::introspect);
        routes.post("/v1/anonymous", this::anonymous);
        routes.post("/v1/anonymous/refresh", this::anonymousRefresh);
    }

    private void register(Context ctx) {
        ApiKey key = guard.storefront(ctx);
        JsonInput in = requests.body(ctx);
        // the merchant's tags and note are the shop's to write: a storefront's would otherwise be dropped unseen
        in.rejectPresent(java.util.Set.of("id", "status", "email_verified", "version", "tags", "note"));
        String email = EmailAddress.required(in, "email");
        String verificationUrl = in.string("verification_url", RedirectPolicy.MAX_URL).orElse(null);
        RedirectPolicy.check(tenants.settings(key.tenantId()), verificationUrl, "verification_url");
        String marketingUrl = in.string(RedirectPolicy.MARKETING_FIELD, RedirectPolicy.MAX_URL).orElse(null);
        RedirectPolicy.check(tenants.settings(key.tenantId()), marketingUrl, RedirectPolicy.MARKETING_FIELD);
        String password = in.required("password", PasswordPolicy.MAX_FIELD_LENGTH);
        if (in.given("password_confirmation")) {
            String confirmation = in.string("password_confirmation", PasswordPolicy.MAX_FIELD_LENGTH).orElse("");
            if (password != null && !in.hasErrorFor("password_confirmation") && !confirmation.equals(password)) {
                in.reject("password_confirmation", "mismatch", "password_confirmation does not match password.");
            }
        }
        ProfileInput profile = ProfileInput.read(in, requests.mapper());
        String cartId = in.string("cart_id", 64).orElse(null);
        if (password != null) {
            var person = new PasswordPolicy.Person(email, profile.text("first_name"), profile.text("last_name"));
            policy.check("password", password, tenants.settings(key.tenantId()), person)
                    .ifPresent(e -> in.reject(e.field(), e.code(), e.message()));
        }
        in.validate();
        limits.enforce(ctx, key.tenantId(), LimitedAction.REGISTRATION, email);
        var signUp = auth.register(key.tenantId(), email, password, profile, verificationUrl, marketingUrl,
                guestCart(ctx, key, cartId), requests.client(ctx));
        if (signUp.result() != null) {
            ctx.status(201).json(signUp.result());
        } else {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("customer", signUp.customer());
            body.put("next_step", signUp.nextStep());
            ctx.status(201).json(body);
        }
    }

    /** Only the caller's own anonymous session's cart can be claimed; without that session nothing is claimed. */
    private GuestCart guestCart(Context ctx, ApiKey key, String cartId) {
        if (cartId == null) {
            return null;
        }
        return guard.anonymousSession(ctx, key).map(session -> new GuestCart(cartId, session.sessionId())).orElse(null);
    }

    private void login(Context ctx) {
        ApiKey key = guard.storefront(ctx);
        JsonInput in = requests.body(ctx);
        String email = in.required("email", EmailAddress.MAX_LENGTH);
        String password = in.required("password", PasswordPolicy.MAX_FIELD_LENGTH);
        String cartId = in.string("cart_id", 64).orElse(null);
        in.validate();
        limits.enforce(ctx, key.tenantId(), LimitedAction.LOGIN, email);
        ctx.json(auth.login(key.tenantId(), email, password, guestCart(ctx, key, cartId), requests.client(ctx)));
    }

    /** Limited as the other requests that mail an address are; the answer is the same whatever the address. */
    private void requestCode(Context ctx) {
        ApiKey key = guard.storefront(ctx);
        TenantSettings settings = tenants.settings(key.tenantId());
        LoginCodeService.requireEnabled(settings);
        JsonInput in = requests.body(ctx);
        String email = EmailAddress.required(in, "email");
        String language = ProfileInput.language(in, "language").orElse(null);
        in.validate();
        limits.enforce(ctx, key.tenantId(), LimitedAction.RECOVERY, email);
        loginCodes.request(key.tenantId(), settings, email, language, requests.client(ctx));
        ctx.status(202).json(Map.of("message", "If an account exists for this address, a login code is on its way."));
    }

    /** A code that cannot be one (not six digits) is refused before any account is looked at, and costs no guess. */
    private void loginWithCode(Context ctx) {
        ApiKey key = guard.storefront(ctx);
        LoginCodeService.requireEnabled(tenants.settings(key.tenantId()));
        JsonInput in = requests.body(ctx);
        String email = in.required("email", EmailAddress.MAX_LENGTH);
        String code = in.required("code", LoginCodes.LENGTH);
        if (code != null && !CODE.matcher(code).matches()) {
            in.reject("code", "invalid", "code must be the " + LoginCodes.LENGTH + " digits of the mail.");
        }
        String cartId = in.string("cart_id", 64).orElse(null);
        in.validate();
        limits.enforce(ctx, key.tenantId(), LimitedAction.LOGIN, email);
        ctx.json(auth.loginWithCode(key.tenantId(), email, code, guestCart(ctx, key, cartId), requests.client(ctx)));
    }

    /** Counted in the login's buckets: per IP, and per account once the token names a live login's account. */
    private void secondFactor(Context ctx) {
        ApiKey key = guard.storefront(ctx);
        JsonInput in = requests.body(ctx);
        String mfaToken = in.required("mfa_token", 256);
        String code = in.required("code", MfaRoutes.MAX_CODE);
        in.validate();
        limits.enforce(ctx, key.tenantId(), LimitedAction.LOGIN,
                completion.challengedEmail(key.tenantId(), mfaToken).orElse(null));
        ctx.json(completion.secondFactor(key.tenantId(), mfaToken, code, requests.client(ctx)));
    }

    private void refresh(Context ctx) {
        ApiKey key = guard.storefront(ctx);
        ctx.json(auth.refresh(key.tenantId(), refreshToken(ctx), requests.client(ctx)));
    }

    private String refreshToken(Context ctx) {
        JsonInput in = requests.body(ctx);
        String token = in.required("refresh_token", 256);
        in.validate();
        return token;
    }

    private void renew(Context ctx) {
        ctx.json(auth.renew(guard.customer(ctx)));
    }

    private void logout(Context ctx) {
        auth.logout(guard.tokenToEnd(ctx), requests.client(ctx));
        ctx.status(204);
    }

    private void introspect(Context ctx) {
        AccessToken token = guard.anyToken(ctx);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("active", true);
        body.put("kind", token.kind().wire());
        body.put("token_type", "Bearer");
        body.put("expires_in", AuthResult.secondsUntil(clock.instant(), token.expiresAt()));
        body.put("expires_at", token.expiresAt());
        // a customer's or guest's token holds what its kind may do; an agent's what its grant names
        body.put("scope", token.isAgent() ? AgentScope.wire(token.scope()) : List.of(token.kind().wire()));
        body.put("session_id", token.sessionId());
        body.put("customer_id", token.customerId());
        // the address is profile data: an agent sees it only with the scope that reads the profile
        body.put("email", token.allows(AgentScope.PROFILE_READ) ? token.email() : null);
        // a storefront may show a banner while the merchant's staff act as the customer
        body.put("impersonated_by", token.isImpersonated() ? AccessToken.BY_MERCHANT : null);
        ctx.json(body);
    }

    private void anonymous(Context ctx) {
        ApiKey key = guard.storefront(ctx);
        limits.enforce(ctx, key.tenantId(), LimitedAction.ANONYMOUS, null);
        ctx.status(201).json(auth.startAnonymous(key.tenantId(), requests.client(ctx)));
    }

    private void anonymousRefresh(Context ctx) {
        ApiKey key = guard.storefront(ctx);
        ctx.json(auth.refreshAnonymous(key.tenantId(), refreshToken(ctx), requests.client(ctx)));
    }
}
