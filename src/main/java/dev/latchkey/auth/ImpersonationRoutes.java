package dev.latchkey.auth;

import dev.latchkey.http.Identifiers;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Requests;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

/** The merchant logs in as one of its customers: {@code POST /v1/admin/customers/{id}/impersonation}. */
public final class ImpersonationRoutes {
    private final Guard guard;
    private final ImpersonationService impersonations;
    private final Requests requests;

    public ImpersonationRoutes(Guard guard, ImpersonationService impersonations, Requests requests) {
        this.guard = guard;
        this.impersonations = impersonations;
        this.requests = requests;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.post("/v1/admin/customers/{id}/impersonation", this::start);
    }

    private void start(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.IMPERSONATE_CUSTOMERS);
        String customerId = Identifiers.pathId(ctx, "id", "Customer");
        JsonInput in = requests.body(ctx);
        String reason = in.line("reason", ImpersonationService.MAX_REASON).orElse(null);
        in.validate();
        // a staff member's session is checked again as the session starts: it may have ended since
        String staffToken = admin.staffId() != null ? Guard.bearer(ctx) : null;
        ctx.status(201).json(impersonations.start(admin.tenantId(), customerId, reason, admin.actor(), staffToken,
                requests.client(ctx)));
    }
}
