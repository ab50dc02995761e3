package dev.latchkey.webhook;

import dev.latchkey.audit.Actor;
import dev.latchkey.audit.ActorCheck;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.auth.Secrets;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.Cursor;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Page;
import dev.latchkey.tenant.TenantService;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The merchant's webhooks: create one (its signing secret shown once), change, disable or delete it, rotate its
 * secret, read its deliveries. Owners and keys with the {@code manage_webhooks} scope only; every change is audited,
 * and the audit events are webhook events too.
 */
public final class WebhookService {
    private static final Logger log = LoggerFactory.getLogger(WebhookService.class);
    /** Each event is written once per subscribed webhook, in the transaction of the change it reports. */
    static final int MAX_PER_TENANT = 20;
    /** {@code disabled_reason}: the merchant disabled it, or the worker did after deliveries kept failing. */
    static final String BY_MERCHANT = "merchant";
    static final String FAILING = "failing";

    /** Delivered and failed deliveries are kept this long, for the merchant to look into, then purged. */
    private static final Duration KEEP_DELIVERIES = Duration.ofDays(30);
    private static final int PURGE_BATCH = 1_000;

    private final Database db;
    private final WebhookStore store = new WebhookStore();
    private final DeliveryStore deliveries = new DeliveryStore();
    private final SigningKey key;
    private final SigningKeyCheck keyCheck;
    private final TenantService tenants;
    private final AuditLog audit;
    private final ActorCheck owners;
    private final Clock clock;

    /** A webhook with its signing secret, shown this once. */
    public record Issued(Webhook webhook, String secret) {
    }

    /** {@code owners}: the acting staff member is an owner still, asked in each change's transaction. */
    public WebhookService(Database db, SigningKey key, TenantService tenants, AuditLog audit, ActorCheck owners,
                          Clock clock) {
        this.db = db;
        this.key = key;
        this.keyCheck = new SigningKeyCheck(db, key, clock);
        this.tenants = tenants;
        this.audit = audit;
        this.owners = owners;
        this.clock = clock;
    }

    /** 422 {@code webhook_limit_reached} past {@link #MAX_PER_TENANT}, as for the other limits of a list. */
    public Issued create(String tenantId, String url, List<String> events, String description, Actor actor,
                         ClientInfo client) {
        keyCheck.requireUsable();
        Instant now = now();
        Webhook webhook = new Webhook(tenantId, Secrets.id("whk"), url, events, description, Webhook.Status.ACTIVE,
                null, 1, null, null, 0, now, now);
        db.tx(h -> {
            owners.stillPermitted(h, tenantId, actor);
            tenants.lock(h, tenantId);
            if (store.count(h, tenantId) >= MAX_PER_TENANT) {
                throw new ApiError(422, "webhook_limit_reached", "A shop has at most " + MAX_PER_TENANT
                        + " webhooks; delete one, or subscribe one to more events.");
            }
            store.insert(h, webhook);
            // a webhook subscribed to webhook.created (or *) receives its own creation: a first delivery to test with
            audit.record(h, tenantId, null, AuditType.WEBHOOK_CREATED, client,
                    actor.with(Map.of("webhook_id", webhook.id())));
            return null;
        });
        return new Issued(webhook, key.secret(webhook.id(), webhook.secretVersion()));
    }

    public Page<Webhook> list(String tenantId, Cursor before, int limit) {
        List<Webhook> rows = db.read(h -> store.list(h, tenantId, before, limit + 1));
        return Page.of(rows, limit, Listing.WEBHOOKS, last -> new Cursor(last.createdAt(), last.id()));
    }

    /** 404 for an unknown id or another tenant's. */
    public Webhook get(String tenantId, String id) {
        return db.read(h -> store.find(h, tenantId, id)).orElseThrow(WebhookService::notFound);
    }

    /**
     * Applies what changes; a change to nothing writes and records nothing. Disabling gives up on what waits to be
     * delivered; enabling starts the count of failures afresh.
     */
    public Webhook update(String tenantId, String id, WebhookChanges changes, Actor actor, ClientInfo client) {
        return db.tx(h -> {
            owners.stillPermitted(h, tenantId, actor);
            Webhook current = store.findForUpdate(h, tenantId, id).orElseThrow(WebhookService::notFound);
            List<String> changed = new ArrayList<>();
            String url = pick(changes.url(), current.url(), "url", changed);
            List<String> events = pick(changes.events(), current.events(), "events", changed);
            String description = current.description();
            if (changes.descriptionGiven() && !Objects.equals(changes.description(), description)) {
                description = changes.description();
                changed.add("description");
            }
            Webhook.Status status = pick(changes.status(), current.status(), "status", changed);
            if (changed.isEmpty()) {
                return current;
            }
            boolean statusChanged = status != current.status();
            Webhook next = new Webhook(tenantId, id, url, events, description, status,
                    status == Webhook.Status.ACTIVE ? null : statusChanged ? BY_MERCHANT : current.disabledReason(),
                    current.secretVersion(), current.previousSecretVersion(), current.previousSecretUntil(),
                    status == Webhook.Status.ACTIVE && statusChanged ? 0 : current.consecutiveFailures(),
                    current.createdAt(), now());
            store.update(h, next);
            if (statusChanged && status == Webhook.Status.DISABLED) {
                deliveries.failPending(h, tenantId, id, "not delivered: the webhook was disabled");
            }
            Map<String, Object> details = new HashMap<>(Map.of("webhook_id", id, "changed", changed));
            if (statusChanged) {
                details.put("status", status.wire());
            }
            audit.record(h, tenantId, null, AuditType.WEBHOOK_UPDATED, client, actor.with(details));
            return next;
        });
    }

    /** The webhook and everything still to be delivered to it go at once. */
    public void delete(String tenantId, String id, Actor actor, ClientInfo client) {
        db.tx(h -> {
            owners.stillPermitted(h, tenantId, actor);
            store.findForUpdate(h, tenantId, id).orElseThrow(WebhookService::notFound);
            deliveries.deleteOf(h, tenantId, id);
            store.delete(h, tenantId, id);
            audit.record(h, tenantId, null, AuditType.WEBHOOK_DELETED, client, actor.with(Map.of("webhook_id", id)));
            return null;
        });
    }

    /**
     * A new signing secret, shown this once. With {@code overlap} zero the old one stops signing at once (it leaked);
     * else deliveries carry a signature by each until the overlap ends, while the receiver is given the new one.
     */
    public Issued rotateSecret(String tenantId, String id, Duration overlap, Actor actor, ClientInfo client) {
        keyCheck.requireUsable();
        Webhook rotated = db.tx(h -> {
            owners.stillPermitted(h, tenantId, actor);
            Webhook current = store.findForUpdate(h, tenantId, id).orElseThrow(WebhookService::notFound);
            Instant now = now();
            boolean overlapping = !overlap.isZero();
            Webhook next = new Webhook(tenantId, id, current.url(), current.events(), current.description(),
                    current.status(), current.disabledReason(), current.secretVersion() + 1,
                    overlapping ? current.secretVersion() : null, overlapping ? now.plus(overlap) : null,
                    current.consecutiveFailures(), current.createdAt(), now);
            store.update(h, next);
            Map<String, Object> details = new HashMap<>(Map.of("webhook_id", id));
            details.put("previous_secret_expires_at", overlapping ? next.previousSecretUntil().toString() : null);
            audit.record(h, tenantId, null, AuditType.WEBHOOK_SECRET_ROTATED, client, actor.with(details));
            return next;
        });
        return new Issued(rotated, key.secret(id, rotated.secretVersion()));
    }

    /** The webhook's deliveries, newest event first; 404 for an unknown webhook. */
    public Page<Delivery> deliveries(String tenantId, String id, Cursor before, int limit) {
        List<Delivery> rows = db.read(h -> {
            store.find(h, tenantId, id).orElseThrow(WebhookService::notFound);
            return deliveries.list(h, tenantId, id, before, limit + 1);
        });
        return Page.of(rows, limit, Listing.WEBHOOK_DELIVERIES,
                last -> new Cursor(last.createdAt(), last.eventId()));
    }

    /**
     * The worker gave up on one more event of the webhook, in {@code h}'s transaction: after
     * {@code disableAfter} in a row the webhook is disabled ({@code disabled_reason} {@value #FAILING}), as Shopify
     * and Stripe do with an endpoint that stays down, and what waits for it is given up on too.
     */
    void countFailure(Handle h, String tenantId, String id, int disableAfter) {
        if (store.countFailure(h, tenantId, id) < disableAfter) {
            return;
        }
        Webhook current = store.findForUpdate(h, tenantId, id).orElse(null);
        if (current == null || current.status() != Webhook.Status.ACTIVE) {
            return;
        }
        store.update(h, new Webhook(tenantId, id, current.url(), current.events(), current.description(),
                Webhook.Status.DISABLED, FAILING, current.secretVersion(), current.previousSecretVersion(),
                current.previousSecretUntil(), current.consecutiveFailures(), current.createdAt(), now()));
        deliveries.failPending(h, tenantId, id, "not delivered: the webhook was disabled after failing deliveries");
        audit.record(h, tenantId, null, AuditType.WEBHOOK_UPDATED, null, Map.of("webhook_id", id,
                "changed", List.of("status"), "status", Webhook.Status.DISABLED.wire(), "reason", FAILING));
        log.warn("webhooks: disabled webhook {} of tenant {}: its last {} events could not be delivered", id,
                tenantId, current.consecutiveFailures());
    }

    /**
     * Deletes a batch of the tenant's deliveries, delivered or given up on, of events older than
     * {@link #KEEP_DELIVERIES}; answers how many (for the housekeeping, which runs it until none is left).
     */
    public int purge(Handle h, String tenantId, Instant now) {
        return deliveries.purge(h, tenantId, now.minus(KEEP_DELIVERIES), PURGE_BATCH);
    }

    SigningKey signingKey() {
        return key;
    }

    SigningKeyCheck keyCheck() {
        return keyCheck;
    }

    /**
     * Whether this node's server key is the deployment's (see {@link SigningKeyCheck}): what else is derived from it
     * (the second factor's seed key) is usable only then.
     */
    public boolean serverKeyUsable() {
        return keyCheck.usable();
    }

    private static <T> T pick(T asked, T current, String field, List<String> changed) {
        if (asked == null || asked.equals(current)) {
            return current;
        }
        changed.add(field);
        return asked;
    }

    private static ApiError notFound() {
        return ApiError.notFound("Webhook");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
