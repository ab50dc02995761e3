package dev.latchkey.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.auth.Guard;
import dev.latchkey.auth.Permission;
import dev.latchkey.http.Identifiers;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Paging;
import dev.latchkey.http.Requests;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.time.Instant;
import java.util.List;

/** The merchant's webhooks: list, create (the secret shown once), read, change, delete, rotate the secret, deliveries. */
public final class WebhookRoutes {
    /** The API's view of a webhook: never its secret. */
    record View(String id, String url, List<String> events, String description, String status,
                String disabledReason, int consecutiveFailures, Instant previousSecretExpiresAt, Instant createdAt,
                Instant updatedAt) {
        static View of(Webhook webhook) {
            return new View(webhook.id(), webhook.url(), webhook.events(), webhook.description(),
                    webhook.status().wire(), webhook.disabledReason(), webhook.consecutiveFailures(),
                    webhook.previousSecretUntil(), webhook.createdAt(), webhook.updatedAt());
        }
    }

    private final Guard guard;
    private final WebhookService webhooks;
    private final WebhookInput input;
    private final Requests requests;

    public WebhookRoutes(Guard guard, WebhookService webhooks, WebhookInput input, Requests requests) {
        this.guard = guard;
        this.webhooks = webhooks;
        this.input = input;
        this.requests = requests;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/v1/admin/webhooks", this::list);
        routes.post("/v1/admin/webhooks", this::create);
        routes.get("/v1/admin/webhooks/{id}", this::get);
        routes.patch("/v1/admin/webhooks/{id}", this::update);
        routes.delete("/v1/admin/webhooks/{id}", this::delete);
        routes.post("/v1/admin/webhooks/{id}/secret", this::rotateSecret);
        routes.get("/v1/admin/webhooks/{id}/deliveries", this::deliveries);
    }

    private void list(Context ctx) {
        String tenantId = guard.admin(ctx, Permission.MANAGE_WEBHOOKS).tenantId();
        Paging paging = Paging.from(ctx, Listing.WEBHOOKS);
        ctx.json(webhooks.list(tenantId, paging.cursor(), paging.limit()).map(View::of));
    }

    private void create(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.MANAGE_WEBHOOKS);
        WebhookInput.New asked = input.create(requests.body(ctx));
        var issued = webhooks.create(admin.tenantId(), asked.url(), asked.events(), asked.description(),
                admin.actor(), requests.client(ctx));
        ctx.status(201).json(withSecret(issued));
    }

    private void get(Context ctx) {
        String tenantId = guard.admin(ctx, Permission.MANAGE_WEBHOOKS).tenantId();
        ctx.json(View.of(webhooks.get(tenantId, webhookId(ctx))));
    }

    private void update(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.MANAGE_WEBHOOKS);
        String id = webhookId(ctx);
        WebhookChanges changes = input.changes(requests.body(ctx));
        ctx.json(View.of(webhooks.update(admin.tenantId(), id, changes, admin.actor(), requests.client(ctx))));
    }

    private void delete(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.MANAGE_WEBHOOKS);
        webhooks.delete(admin.tenantId(), webhookId(ctx), admin.actor(), requests.client(ctx));
        ctx.status(204);
    }

    private void rotateSecret(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.MANAGE_WEBHOOKS);
        String id = webhookId(ctx);
        JsonInput in = requests.body(ctx);
        var issued = webhooks.rotateSecret(admin.tenantId(), id, input.overlap(in), admin.actor(),
                requests.client(ctx));
        ctx.json(withSecret(issued));
    }

    private void deliveries(Context ctx) {
        String tenantId = guard.admin(ctx, Permission.MANAGE_WEBHOOKS).tenantId();
        String id = webhookId(ctx);
        Paging paging = Paging.from(ctx, Listing.WEBHOOK_DELIVERIES);
        ctx.json(webhooks.deliveries(tenantId, id, paging.cursor(), paging.limit()));
    }

    private ObjectNode withSecret(WebhookService.Issued issued) {
        ObjectNode body = requests.mapper().valueToTree(View.of(issued.webhook()));
        body.put("secret", issued.secret());
        return body;
    }

    private static String webhookId(Context ctx) {
        return Identifiers.pathId(ctx, "id", "Webhook");
    }
}
