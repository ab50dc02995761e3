package dev.latchkey.marketing;

import dev.latchkey.auth.Guard;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Requests;
import dev.latchkey.ratelimit.LimitedAction;
import dev.latchkey.ratelimit.RateLimits;
import dev.latchkey.tenant.ApiKey;
import dev.latchkey.verification.VerificationRoutes;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.Map;

/** Confirming a subscription to marketing email with the token of the double opt-in's mail. */
public final class MarketingRoutes {
    private final Guard guard;
    private final MarketingConfirmation confirmation;
    private final RateLimits limits;
    private final Requests requests;

    public MarketingRoutes(Guard guard, MarketingConfirmation confirmation, RateLimits limits, Requests requests) {
        this.guard = guard;
        this.confirmation = confirmation;
        this.limits = limits;
        this.requests = requests;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.post("/v1/marketing/confirm", this::confirm);
    }

    /** Limited as the verification of an address is: both try tokens. */
    private void confirm(Context ctx) {
        ApiKey key = guard.storefront(ctx);
        JsonInput in = requests.body(ctx);
        String token = in.required("token", VerificationRoutes.MAX_TOKEN);
        in.validate();
        limits.enforce(ctx, key.tenantId(), LimitedAction.VERIFICATION, null);
        ctx.json(Map.of("customer", confirmation.confirm(key.tenantId(), token, requests.client(ctx))));
    }
}
