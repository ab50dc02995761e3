package dev.latchkey.privacy;

import dev.latchkey.auth.AccessToken;
import dev.latchkey.auth.Guard;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.Map;

/** The shopper's data rights: the export of everything held about them and the deletion of their account. */
public final class PrivacyRoutes {
    private final Guard guard;
    private final ExportService export;
    private final AccountDeletionService deletion;

    public PrivacyRoutes(Guard guard, ExportService export, AccountDeletionService deletion) {
        this.guard = guard;
        this.export = export;
        this.deletion = deletion;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/v1/me/export", this::export);
        routes.delete("/v1/me", this::delete);
    }

    private void export(Context ctx) {
        AccessToken token = guard.customer(ctx);
        ctx.json(export.export(token.tenantId(), token.customerId()));
    }

    /** Without {@code ?token=} a deletion request; with it (even empty) a confirmation, never a new request. */
    private void delete(Context ctx) {
        AccessToken token = guard.customer(ctx);
        String confirmation = ctx.queryParam("token");
        if (confirmation != null) {
            deletion.confirm(token.tenantId(), token.customerId(), confirmation);
            ctx.status(204);
            return;
        }
        switch (deletion.delete(token.tenantId(), token.customerId())) {
            case ERASED -> ctx.status(204);
            case AWAITING_CONFIRMATION -> ctx.status(202).json(Map.of("message",
                    "Confirm the deletion with DELETE /v1/me?token=... using the token from the confirmation email."));
        }
    }
}
