package dev.latchkey.credential;

import dev.latchkey.auth.AccessToken;
import dev.latchkey.auth.Guard;
import dev.latchkey.customer.EmailAddress;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Requests;
import dev.latchkey.ratelimit.LimitedAction;
import dev.latchkey.ratelimit.RateLimits;
import dev.latchkey.tenant.ApiKey;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.verification.RedirectPolicy;
import dev.latchkey.verification.VerificationRoutes;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.Map;

/** Password recovery, password change, email change and its confirmation. */
public final class CredentialRoutes {
    private final RateLimits limits;

    private final Guard guard;
    private final RecoveryService recovery;
    private final CredentialService credentials;
    private final TenantService tenants;
    private final PasswordPolicy policy;
    private final Requests requests;

    public CredentialRoutes(Guard guard, RecoveryService recovery, CredentialService credentials, TenantService tenants,
                            PasswordPolicy policy, Requests requests, RateLimits limits) {
        this.limits = limits;
        this.guard = guard;
        this.recovery = recovery;
        this.credentials = credentials;
        this.tenants = tenants;
        this.policy = policy;
        this.requests = requests;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.post("/v1/auth/password/forgot", this::forgot);
        routes.post("/v1/auth/password/reset", this::reset);
        routes.post("/v1/me/password", this::changePassword);
        routes.post("/v1/me/email", this::changeEmail);
        routes.post("/v1/auth/email/confirm", this::confirmEmail);
    }

    private void forgot(Context ctx) {
        ApiKey key = guard.storefront(ctx);
        JsonInput in = requests.body(ctx);
        String email = EmailAddress.required(in, "email");
        String url = in.string("redirect_url", RedirectPolicy.MAX_URL).orElse(null);
        RedirectPolicy.check(tenants.settings(key.tenantId()), url, "redirect_url");
        in.validate();
        limits.enforce(ctx, key.tenantId(), LimitedAction.RECOVERY, email);
        recovery.forgot(key.tenantId(), email, url);
        ctx.status(202).json(Map.of("message",
                "If an account exists for this address, an email with a link to reset the password is on its way."));
    }

    private void reset(Context ctx) {
        ApiKey key = guard.storefront(ctx);
        JsonInput in = requests.body(ctx);
        String token = in.required("token", VerificationRoutes.MAX_TOKEN);
        String password = newPassword(in, key.tenantId(), "new_password");
        in.string("new_password_confirmation", PasswordPolicy.MAX_FIELD_LENGTH).ifPresent(confirmation -> {
            if (password != null && !confirmation.equals(password)) {
                in.reject("new_password_confirmation", "mismatch",
                        "new_password_confirmation does not match new_password.");
            }
        });
        in.validate();
        limits.enforce(ctx, key.tenantId(), LimitedAction.VERIFICATION, null);
        ctx.json(recovery.reset(key.tenantId(), token, password, requests.client(ctx)));
    }

    private void changePassword(Context ctx) {
        AccessToken token = guard.customer(ctx);
        JsonInput in = requests.body(ctx);
        String current = in.required("current_password", PasswordPolicy.MAX_FIELD_LENGTH);
        String password = newPassword(in, token.tenantId(), "new_password");
        in.validate();
        // the current password can be guessed here as at log-in
        limits.enforce(ctx, token.tenantId(), LimitedAction.LOGIN, token.email());
        credentials.changePassword(token, current, password, requests.client(ctx));
        ctx.status(204);
    }

    private void changeEmail(Context ctx) {
        AccessToken token = guard.customer(ctx);
        JsonInput in = requests.body(ctx);
        String email = EmailAddress.required(in, "new_email");
        String password = in.required("password", PasswordPolicy.MAX_FIELD_LENGTH);
        String url = in.string("confirmation_url", RedirectPolicy.MAX_URL).orElse(null);
        RedirectPolicy.check(tenants.settings(token.tenantId()), url, "confirmation_url");
        in.validate();
        limits.enforce(ctx, token.tenantId(), LimitedAction.LOGIN, token.email());
        credentials.changeEmail(token, email, password, url, requests.client(ctx));
        ctx.status(202).json(Map.of("message", "A confirmation link is on its way to the new address; the account "
                + "keeps its current address until it is used."));
    }

    private void confirmEmail(Context ctx) {
        ApiKey key = guard.storefront(ctx);
        JsonInput in = requests.body(ctx);
        String token = in.required("token", VerificationRoutes.MAX_TOKEN);
        in.validate();
        limits.enforce(ctx, key.tenantId(), LimitedAction.VERIFICATION, null);
        ctx.json(Map.of("customer", credentials.confirmEmail(key.tenantId(), token, requests.client(ctx))));
    }

    private String newPassword(JsonInput in, String tenantId, String field) {
        String password = in.required(field, PasswordPolicy.MAX_FIELD_LENGTH);
        if (password != null) {
            // the account is not known yet: its personal information is checked by the service
            policy.check(field, password, tenants.settings(tenantId), new PasswordPolicy.Person(null, null, null))
                    .ifPresent(e -> in.reject(e.field(), e.code(), e.message()));
        }
        return password;
    }
}
