package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.audit.AuditType;
import dev.latchkey.http.Identifiers;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Page;
import dev.latchkey.http.Requests;
import dev.latchkey.http.Text;
import dev.latchkey.webhook.Delivery;
import dev.latchkey.webhook.Webhook;
import dev.latchkey.webhook.WebhookChanges;
import dev.latchkey.webhook.WebhookInput;
import dev.latchkey.webhook.WebhookService;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.Arrays;
import java.util.List;

/**
 * The owner's webhooks: the list, a new one (its signing secret shown exactly once on the answer to its form), one
 * webhook with its latest deliveries, a change of its URL, events or description, a new secret (shown once, as a new
 * webhook's), disabling, enabling and deletion. A webhook is sent every event it subscribes to wherever it points, so
 * the pages open and act only in a session confirmed lately ({@link GuardedPage}). The forms are read by the admin
 * API's own rules ({@link WebhookInput}) and the changes are the service's.
 */
public final class WebhookPages {
    /** {@code created} is the webhook just made with its secret, shown once, or null. */
    public record WebhooksPage(Frame frame, List<Webhook> webhooks, String nextUrl, WebhookService.Issued created,
                               List<String> eventTypes) {
    }

    /**
     * One webhook and a page of its deliveries, newest event first; {@code newSecret} is the secret a rotation just
     * made, shown once, or null.
     */
    public record WebhookPage(Frame frame, Webhook webhook, List<Delivery> deliveries, String nextUrl,
                              String newSecret) {
    }

    private static final int PAGE_SIZE = 50;
    private static final List<String> EVENT_TYPES = Arrays.stream(AuditType.values()).map(AuditType::wire).toList();

    private final Dashboard dashboard;
    private final WebhookService webhooks;
    private final WebhookInput input;
    private final Requests requests;

    WebhookPages(Dashboard dashboard, WebhookService webhooks, WebhookInput input, Requests requests) {
        this.dashboard = dashboard;
        this.webhooks = webhooks;
        this.input = input;
        this.requests = requests;
    }

    void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/dashboard/webhooks", dashboard.page(this::list));
        routes.post("/dashboard/webhooks", dashboard.page(this::create));
        routes.get("/dashboard/webhooks/{id}", dashboard.page(this::detail));
        routes.post("/dashboard/webhooks/{id}", dashboard.page(this::change));
        routes.post("/dashboard/webhooks/{id}/secret", dashboard.page(this::rotateSecret));
        routes.post("/dashboard/webhooks/{id}/disable", dashboard.page(ctx ->
                setStatus(ctx, Webhook.Status.DISABLED, Notice.WEBHOOK_DISABLED)));
        routes.post("/dashboard/webhooks/{id}/enable", dashboard.page(ctx ->
                setStatus(ctx, Webhook.Status.ACTIVE, Notice.WEBHOOK_ENABLED)));
        routes.post("/dashboard/webhooks/{id}/delete", dashboard.page(this::delete));
    }

    private void list(Context ctx) {
        show(ctx, dashboard.requireConfirmed(ctx, GuardedPage.WEBHOOKS), 200, null);
    }

    private void show(Context ctx, DashboardSession session, int status, WebhookService.Issued created) {
        Page<Webhook> page = webhooks.list(session.principal().tenantId(), Dashboard.cursor(ctx, Listing.WEBHOOKS),
                PAGE_SIZE);
        dashboard.render(ctx, status, "webhooks.jte", new WebhooksPage(
                dashboard.frame(ctx, session, "Webhooks", "webhooks"), page.data(),
                Dashboard.nextUrl("/dashboard/webhooks", page), created, EVENT_TYPES));
    }

    /** Answers with the page itself (not a redirect): the secret exists in plain only in this answer. */
    private void create(Context ctx) {
        DashboardSession session = dashboard.requireConfirmed(ctx, GuardedPage.WEBHOOKS);
        WebhookInput.New asked = input.create(JsonInput.of(body(ctx)));
        var created = webhooks.create(session.principal().tenantId(), asked.url(), asked.events(),
                asked.description(), session.principal().actor(), requests.client(ctx));
        show(ctx, session, 201, created);
    }

    /**
     * The form as the admin API's body: the events typed between commas or spaces become its list, and a form
     * without them lacks the field as a body would (a creation then asks for them; a change sends them always).
     */
    private ObjectNode body(Context ctx) {
        ObjectNode body = requests.mapper().createObjectNode()
                .put("url", ctx.formParam("url"))
                .put("description", ctx.formParam("description"));
        Dashboard.putWords(body, "events", ctx.formParam("events"));
        return body;
    }

    private void detail(Context ctx) {
        DashboardSession session = dashboard.requireConfirmed(ctx, GuardedPage.WEBHOOKS);
        showOne(ctx, session, webhooks.get(session.principal().tenantId(), webhookId(ctx)), null);
    }

    private void showOne(Context ctx, DashboardSession session, Webhook webhook, String newSecret) {
        Page<Delivery> deliveries = webhooks.deliveries(session.principal().tenantId(), webhook.id(),
                Dashboard.cursor(ctx, Listing.WEBHOOK_DELIVERIES), PAGE_SIZE);
        dashboard.render(ctx, 200, "webhook.jte", new WebhookPage(
                dashboard.frame(ctx, session, "Webhook", "webhooks"), webhook, deliveries.data(),
                Dashboard.nextUrl("/dashboard/webhooks/" + webhook.id(), deliveries), newSecret));
    }

    /** The URL, events and description as the form shows them, read as a PATCH of all three. */
    private void change(Context ctx) {
        DashboardSession session = dashboard.requireConfirmed(ctx, GuardedPage.WEBHOOKS);
        String id = webhookId(ctx);
        ObjectNode body = body(ctx);
        if (!body.has("events")) {
            body.putArray("events"); // cleared in the form: refused as a PATCH with no event is
        }
        WebhookChanges changes = input.changes(JsonInput.of(body));
        webhooks.update(session.principal().tenantId(), id, changes, session.principal().actor(),
                requests.client(ctx));
        Dashboard.redirect(ctx, "/dashboard/webhooks/" + id + "?notice=" + Notice.WEBHOOK_UPDATED.wire());
    }

    /**
     * Answers with the page itself (not a redirect): the new secret exists in plain only in this answer. The old one
     * stops at once or, as chosen, signs beside it for a while ({@code previous_secret_ttl} seconds).
     */
    private void rotateSecret(Context ctx) {
        DashboardSession session = dashboard.requireConfirmed(ctx, GuardedPage.WEBHOOKS);
        ObjectNode body = requests.mapper().createObjectNode();
        String overlap = ctx.formParam("previous_secret_ttl");
        if (overlap != null && !Text.isBlank(overlap)) {
            // a number as the API's body has it; anything else goes in as text, to be refused as the API refuses it
            String value = Text.trim(overlap);
            Text.wholeNumber(value).ifPresentOrElse(seconds -> body.put("previous_secret_ttl", seconds),
                    () -> body.put("previous_secret_ttl", value));
        }
        var rotated = webhooks.rotateSecret(session.principal().tenantId(), webhookId(ctx),
                input.overlap(JsonInput.of(body)), session.principal().actor(), requests.client(ctx));
        showOne(ctx, session, rotated.webhook(), rotated.secret());
    }

    private void setStatus(Context ctx, Webhook.Status status, Notice notice) {
        DashboardSession session = dashboard.requireConfirmed(ctx, GuardedPage.WEBHOOKS);
        String id = webhookId(ctx);
        webhooks.update(session.principal().tenantId(), id, WebhookChanges.status(status),
                session.principal().actor(), requests.client(ctx));
        Dashboard.redirect(ctx, "/dashboard/webhooks/" + id + "?notice=" + notice.wire());
    }

    private void delete(Context ctx) {
        DashboardSession session = dashboard.requireConfirmed(ctx, GuardedPage.WEBHOOKS);
        webhooks.delete(session.principal().tenantId(), webhookId(ctx), session.principal().actor(),
                requests.client(ctx));
        Dashboard.redirect(ctx, "/dashboard/webhooks?notice=" + Notice.WEBHOOK_DELETED.wire());
    }

    private static String webhookId(Context ctx) {
        return Identifiers.pathId(ctx, "id", "Webhook");
    }
}
