package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.audit.AuditType;
import dev.latchkey.http.Identifiers;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Page;
import dev.latchkey.http.Requests;
import dev.latchkey.webhook.Delivery;
import dev.latchkey.webhook.Webhook;
import dev.latchkey.webhook.WebhookChanges;
import dev.latchkey.webhook.WebhookInput;
import dev.latchkey.webhook.WebhookService;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The owner's webhooks: the list, a new one (its signing secret shown exactly once on the answer to its form), one
 * webhook with its latest deliveries, disabling, enabling and deletion. A webhook is sent every event it subscribes to
 * wherever it points, so the pages open and act only in a session confirmed lately ({@link GuardedPage}). The form is
 * read by the admin API's own rules ({@link WebhookInput}) and the changes are the service's.
 */
public final class WebhookPages {
    /** {@code created} is the webhook just made with its secret, shown once, or null. */
    public record WebhooksPage(Frame frame, List<Webhook> webhooks, String nextUrl, WebhookService.Issued created,
                               List<String> eventTypes) {
    }

    /** One webhook and a page of its deliveries, newest event first. */
    public record WebhookPage(Frame frame, Webhook webhook, List<Delivery> deliveries, String nextUrl) {
    }

    private static final int PAGE_SIZE = 50;
    private static final Pattern EVENT_SEPARATORS = Pattern.compile("[\\s,]+");
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
     * without them lacks the field as a body would.
     */
    private ObjectNode body(Context ctx) {
        ObjectNode body = requests.mapper().createObjectNode()
                .put("url", ctx.formParam("url"))
                .put("description", ctx.formParam("description"));
        String typed = ctx.formParam("events");
        if (typed != null && !typed.isBlank()) {
            ArrayNode events = body.putArray("events");
            EVENT_SEPARATORS.splitAsStream(typed.strip()).forEach(events::add);
        }
        return body;
    }

    private void detail(Context ctx) {
        DashboardSession session = dashboard.requireConfirmed(ctx, GuardedPage.WEBHOOKS);
        String tenantId = session.principal().tenantId();
        Webhook webhook = webhooks.get(tenantId, webhookId(ctx));
        Page<Delivery> deliveries = webhooks.deliveries(tenantId, webhook.id(),
                Dashboard.cursor(ctx, Listing.WEBHOOK_DELIVERIES), PAGE_SIZE);
        dashboard.render(ctx, 200, "webhook.jte", new WebhookPage(
                dashboard.frame(ctx, session, "Webhook", "webhooks"), webhook, deliveries.data(),
                Dashboard.nextUrl("/dashboard/webhooks/" + webhook.id(), deliveries)));
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
