package dev.latchkey.privacy;

import dev.latchkey.auth.AccessToken;
import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.auth.Guard;
import dev.latchkey.auth.Permission;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.QueryParams;
import dev.latchkey.http.Requests;
import dev.latchkey.ratelimit.LimitedAction;
import dev.latchkey.ratelimit.RateLimits;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.Map;

/**
 * The shopper's data rights: the export of everything held about them (by the shopper, or by the merchant for them)
 * and the deletion of their account.
 */
public final class PrivacyRoutes {
    private final Guard guard;
    private final ExportService export;
    private final AccountDeletionService deletion;
    private final RateLimits limits;
    private final Requests requests;

    public PrivacyRoutes(Guard guard, ExportService export, AccountDeletionService deletion, RateLimits limits,
                         Requests requests) {
        this.guard = guard;
        this.requests = requests;
        this.export = export;
        this.deletion = deletion;
        this.limits = limits;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/v1/me/export", this::export);
        routes.get("/v1/admin/customers/{id}/export", this::exportForMerchant);
        routes.delete("/v1/me", this::delete);
    }

    private void export(Context ctx) {
        AccessToken token = guard.customer(ctx);
        if (Requests.headOnly(ctx, ContentType.JSON)) {
            return;
        }
        try {
            export.export(token.tenantId(), token.customerId(),
                    (document, beforeEnd) -> requests.writeJson(ctx, document, beforeEnd));
        } catch (ApiError e) {
            // the account was erased while its sections were read: a token whose account is gone gets 401 here as on
            // every other route of the shopper's, not a section's 404
            throw e.status() == 404 ? ApiError.invalidToken() : e;
        }
    }

    private void exportForMerchant(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.EXPORT_CUSTOMERS);
        String customerId = ctx.pathParam("id");
        if (Requests.headOnly(ctx, ContentType.JSON)) {
            export.requireCustomer(admin.tenantId(), customerId);
            return;
        }
        export.exportForMerchant(admin.tenantId(), customerId, admin.actor(), requests.client(ctx),
                (document, beforeEnd) -> requests.writeJson(ctx, document, beforeEnd));
    }

    /** Without {@code ?token=} a deletion request; with it (even empty) a confirmation, never a new request. */
    private void delete(Context ctx) {
        AccessToken token = guard.customer(ctx);
        String confirmation = QueryParams.single(ctx, "token");
        if (confirmation != null) {
            // a presented emailed token, counted like the others so that it cannot be guessed at leisure
            limits.enforce(ctx, token.tenantId(), LimitedAction.VERIFICATION, token.email());
            deletion.confirm(token, confirmation);
            ctx.status(204);
            return;
        }
        if (!deletion.requiresConfirmation(token.tenantId())) {
            deletion.eraseByCustomer(token);
            ctx.status(204);
            return;
        }
        // The request mails the shopper: it counts against the same buckets as the other mail a shopper can ask for.
        limits.enforce(ctx, token.tenantId(), LimitedAction.RECOVERY, token.email());
        deletion.requestConfirmation(token);
        ctx.status(202).json(Map.of("message",
                "Confirm the deletion with DELETE /v1/me?token=... using the token from the confirmation email."));
    }
}
