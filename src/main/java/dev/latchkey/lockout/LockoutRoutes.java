package dev.latchkey.lockout;

import dev.latchkey.auth.Guard;
import dev.latchkey.auth.Permission;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.http.Requests;
import dev.latchkey.ratelimit.LimitedAction;
import dev.latchkey.ratelimit.RateLimits;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

/** The merchant's view and reset of a customer's lockout. */
public final class LockoutRoutes {
    private final Guard guard;
    private final LockoutService lockout;
    private final Requests requests;
    private final CustomerService customers;
    private final RateLimits limits;

    public LockoutRoutes(Guard guard, LockoutService lockout, Requests requests, CustomerService customers,
                         RateLimits limits) {
        this.guard = guard;
        this.lockout = lockout;
        this.requests = requests;
        this.customers = customers;
        this.limits = limits;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/v1/admin/customers/{id}/lockout", this::status);
        routes.delete("/v1/admin/customers/{id}/lockout", this::unlock);
    }

    private void status(Context ctx) {
        String tenantId = guard.admin(ctx, Permission.VIEW_CUSTOMERS).tenantId();
        ctx.json(lockout.status(tenantId, ctx.pathParam("id")));
    }

    private void unlock(Context ctx) {
        String tenantId = guard.admin(ctx, Permission.RESET_LOCKOUTS).tenantId();
        lockout.unlock(tenantId, ctx.pathParam("id"), requests.client(ctx));
        // the shopper's login and recovery buckets too, which others may have spent: the merchant means to let them
        // in now, with their password or by resetting it
        String email = customers.get(tenantId, ctx.pathParam("id")).email();
        limits.forgetAccount(tenantId, LimitedAction.LOGIN, email);
        limits.forgetAccount(tenantId, LimitedAction.RECOVERY, email);
        ctx.status(204);
    }
}
