package dev.latchkey.audit;

import dev.latchkey.auth.Guard;
import dev.latchkey.auth.Permission;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Paging;
import dev.latchkey.http.QueryParams;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.time.Instant;

/** The merchant's view of the audit log. */
public final class AuditRoutes {
    private static final int MAX_ID = 64;

    private final Guard guard;
    private final AuditLog audit;

    public AuditRoutes(Guard guard, AuditLog audit) {
        this.guard = guard;
        this.audit = audit;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/v1/admin/audit", this::list);
    }

    private void list(Context ctx) {
        String tenantId = guard.admin(ctx, Permission.VIEW_AUDIT).tenantId();
        Paging paging = Paging.from(ctx, Listing.AUDIT);
        String customerId = QueryParams.text(ctx, "customer_id", MAX_ID);
        String rawType = QueryParams.text(ctx, "type", MAX_ID);
        AuditType type = rawType == null ? null : AuditType.fromWire(rawType).orElseThrow(() ->
                ApiError.validation("type", "invalid", "type must be one of the documented audit event types."));
        // time bounds, for a tool that reads the events recorded since its last run
        Instant since = QueryParams.instant(ctx, "since");
        Instant until = QueryParams.instant(ctx, "until");
        ctx.json(audit.list(tenantId, new AuditFilter(customerId, type, since, until), paging.cursor(),
                paging.limit()));
    }
}
