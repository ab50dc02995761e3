package dev.latchkey.verification;

import dev.latchkey.auth.Guard;
import dev.latchkey.customer.EmailAddress;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Requests;
import dev.latchkey.ratelimit.LimitedAction;
import dev.latchkey.ratelimit.RateLimits;
import dev.latchkey.tenant.ApiKey;
import dev.latchkey.tenant.TenantService;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.Map;

/** Verifying a shopper's email address and asking for a new verification mail. */
public final class VerificationRoutes {
    /** Tokens are 46 characters; anything much longer is refused as a field error before any lookup. */
    public static final int MAX_TOKEN = 256;

    private final Guard guard;
    private final VerificationService verification;
    private final TenantService tenants;
    private final RateLimits limits;
    private final Requests requests;

    public VerificationRoutes(Guard guard, VerificationService verification, TenantService tenants, RateLimits limits,
                              Requests requests) {
        this.guard = guard;
        this.verification = verification;
        this.tenants = tenants;
        this.limits = limits;
        this.requests = requests;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.post("/v1/auth/verify-email", this::verify);
        routes.post("/v1/auth/verify-email/resend", this::resend);
    }

    private void verify(Context ctx) {
        ApiKey key = guard.storefront(ctx);
        JsonInput in = requests.body(ctx);
        String token = in.required("token", MAX_TOKEN);
        String email = in.string("email", EmailAddress.MAX_LENGTH).orElse(null);
        in.validate();
        limits.enforce(ctx, key.tenantId(), LimitedAction.VERIFICATION, email);
        ctx.json(Map.of("customer", verification.verify(key.tenantId(), token, email, requests.client(ctx))));
    }

    private void resend(Context ctx) {
        ApiKey key = guard.storefront(ctx);
        JsonInput in = requests.body(ctx);
        String email = EmailAddress.required(in, "email");
        String url = in.string("verification_url", RedirectPolicy.MAX_URL).orElse(null);
        RedirectPolicy.check(tenants.settings(key.tenantId()), url, "verification_url");
        in.validate();
        limits.enforce(ctx, key.tenantId(), LimitedAction.RECOVERY, email);
        verification.resend(key.tenantId(), email, url);
        ctx.status(202).json(Map.of("message",
                "If this address belongs to an account that is not verified yet, a verification email is on its way."));
    }
}
