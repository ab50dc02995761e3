package dev.latchkey.auth;

import dev.latchkey.http.Identifiers;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Paging;
import dev.latchkey.http.Requests;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

/** The merchant's view of a customer's sessions: list them, end one or all (a stolen device, a lost phone). */
public final class AdminSessionRoutes {
    private final Guard guard;
    private final SessionService sessions;
    private final Requests requests;

    public AdminSessionRoutes(Guard guard, SessionService sessions, Requests requests) {
        this.guard = guard;
        this.sessions = sessions;
        this.requests = requests;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/v1/admin/customers/{id}/sessions", this::list);
        routes.delete("/v1/admin/customers/{id}/sessions", this::revokeAll);
        routes.delete("/v1/admin/customers/{id}/sessions/{sid}", this::revoke);
    }

    private void list(Context ctx) {
        String tenantId = guard.admin(ctx, Permission.VIEW_CUSTOMERS).tenantId();
        Paging paging = Paging.from(ctx, Listing.SESSIONS);
        String customerId = Identifiers.pathId(ctx, "id", "Customer");
        ctx.json(sessions.listForAdmin(tenantId, customerId, paging.cursor(), paging.limit()));
    }

    private void revokeAll(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.REVOKE_SESSIONS);
        String customerId = Identifiers.pathId(ctx, "id", "Customer");
        sessions.revokeAllByAdmin(admin.tenantId(), customerId, admin.actor(), requests.client(ctx));
        ctx.status(204);
    }

    private void revoke(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.REVOKE_SESSIONS);
        String customerId = Identifiers.pathId(ctx, "id", "Customer");
        String sessionId = Identifiers.pathId(ctx, "sid", "Session");
        sessions.revokeByAdmin(admin.tenantId(), customerId, sessionId, admin.actor(), requests.client(ctx));
        ctx.status(204);
    }
}
