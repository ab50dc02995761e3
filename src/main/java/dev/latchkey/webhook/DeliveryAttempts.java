package dev.latchkey.webhook;

import dev.latchkey.config.Config;
import dev.latchkey.db.Database;
import dev.latchkey.tenant.TenantService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * One attempt at one due delivery: leased, so that no worker of any node makes it at the same time; checked (the
 * webhook still active, its tenant not suspended, the destination still public); sent; and its
 * outcome written: delivered, another attempt after a back-off, or given up on after the last attempt, which counts
 * towards disabling the webhook. Delivery is at least once: a node that stops between sending and writing the outcome
 * leaves the lease to run out, and the delivery is sent again.
 */
final class DeliveryAttempts {
    private static final Logger log = LoggerFactory.getLogger(DeliveryAttempts.class);
    /** Longer than an attempt can take (a DNS look-up, connecting and the answer's timeout). */
    static final Duration LEASE = Duration.ofMinutes(2);

    private final Database db;
    private final DeliveryStore deliveries = new DeliveryStore();
    private final WebhookStore webhooks = new WebhookStore();
    private final WebhookService service;
    private final TenantService tenants;
    private final Destinations destinations;
    private final DeliverySender sender;
    private final EventMessages messages;
    private final Config.Webhooks settings;
    private final Clock clock;

    DeliveryAttempts(Database db, WebhookService service, TenantService tenants,
                     DeliverySender sender, EventMessages messages, Config.Webhooks settings, Clock clock) {
        this.db = db;
        this.service = service;
        this.tenants = tenants;
        this.destinations = new Destinations(settings.allowPrivate());
        this.sender = sender;
        this.messages = messages;
        this.settings = settings;
        this.clock = clock;
    }

    /** What a lease found: the webhook and the event its delivery sends. */
    private record Leased(Webhook webhook, Delivery.Event event) {
    }

    /** Throws InterruptedException when the node stops meanwhile; the lease then runs out and another try follows. */
    void attempt(Delivery.Due due) throws InterruptedException {
        Delivery.Key key = due.key();
        Instant leasedAt = now();
        Optional<Leased> leased = db.tx(h -> deliveries.lease(h, key, leasedAt, leasedAt.plus(LEASE))
                ? webhooks.find(h, key.tenantId(), key.webhookId())
                        .map(webhook -> new Leased(webhook, deliveries.event(h, key)))
                : Optional.empty());
        if (leased.isEmpty()) {
            return; // another worker's, or gone with its webhook
        }
        Webhook webhook = leased.get().webhook();
        if (webhook.status() != Webhook.Status.ACTIVE) {
            // disabled while this delivery was being queued, in a transaction that could not see it yet
            giveUp(key, due.attempts(), "not delivered: the webhook was disabled");
            return;
        }
        // read as stored, not from the cache: the suspension commits with its own event, before its eviction
        if (tenants.find(key.tenantId()).suspended()) {
            int held = db.tx(h -> deliveries.holdAll(h, key.tenantId()));
            log.info("webhooks: tenant {} is suspended: {} deliveries held until it is active again",
                    key.tenantId(), held);
            return;
        }
        record(key, due.attempts() + 1, send(webhook, leased.get().event()));
    }

    private DeliverySender.Answer send(Webhook webhook, Delivery.Event event) throws InterruptedException {
        URI url = URI.create(webhook.url());
        return switch (destinations.check(url)) {
            case Destinations.Refused(String reason) -> new DeliverySender.Answer(null, "not sent: " + reason);
            case Destinations.Allowed(var addresses) -> {
                String body = messages.body(event);
                yield sender.post(url, addresses, body, messages.headers(webhook, event, body, now()));
            }
        };
    }

    private void record(Delivery.Key key, int attempts, DeliverySender.Answer answer) {
        if (answer.delivered()) {
            db.tx(h -> {
                deliveries.markDelivered(h, key, attempts, answer.statusCode(), now());
                webhooks.clearFailures(h, key.tenantId(), key.webhookId());
                return null;
            });
            return;
        }
        String outcome = answer.statusCode() == null ? "no answer" : "HTTP " + answer.statusCode();
        if (attempts >= settings.maxAttempts()) {
            db.tx(h -> {
                if (deliveries.markFailed(h, key, attempts, answer.statusCode(), answer.error())) {
                    service.countFailure(h, key.tenantId(), key.webhookId(), settings.disableAfter());
                }
                return null;
            });
            log.warn("webhooks: gave up on event {} for webhook {} of tenant {} after {} attempts ({})",
                    key.eventId(), key.webhookId(), key.tenantId(), attempts, outcome);
            return;
        }
        Duration wait = backOff(attempts);
        db.run(h -> deliveries.reschedule(h, key, attempts, answer.statusCode(), answer.error(), now().plus(wait)));
        log.info("webhooks: event {} not delivered to webhook {} of tenant {} ({}), attempt {}; next in {} s",
                key.eventId(), key.webhookId(), key.tenantId(), outcome, attempts, wait.toSeconds());
    }

    private void giveUp(Delivery.Key key, int attempts, String reason) {
        db.run(h -> deliveries.markFailed(h, key, attempts, null, reason));
    }

    /** base, 2 x base, 4 x base, ... up to the maximum. */
    Duration backOff(int attempts) {
        int doublings = Math.min(attempts - 1, 30);
        return Duration.ofMillis(Math.min(settings.retryBaseMillis() << doublings, settings.retryMaxMillis()));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
