package dev.latchkey.lockout;

import dev.latchkey.auth.Guard;
import dev.latchkey.auth.Permission;
import dev.latchkey.http.Requests;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

/** The merchant's view and reset of a customer's lockout. */
public final class LockoutRoutes {
    private final Guard guard;
    private final LockoutService lockout;
    private final Requests requests;

    public LockoutRoutes(Guard guard, LockoutService lockout, Requests requests) {
        this.guard = guard;
        this.lockout = lockout;
        this.requests = requests;
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
        ctx.status(204);
    }
}
