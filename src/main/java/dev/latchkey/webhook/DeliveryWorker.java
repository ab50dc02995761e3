package dev.latchkey.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.config.Config;
import dev.latchkey.db.Database;
import dev.latchkey.db.HeldTenants;
import dev.latchkey.db.DatabaseErrors;
import dev.latchkey.db.PollingLoop;
import dev.latchkey.tenant.TenantService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Sends due webhook deliveries: one thread per node finds them, woken after each commit that queued deliveries and
 * otherwise polling, and hands each webhook's to a virtual thread of its own, which sends them in event order (a
 * retried one may come after later events). It does
 * not wait for those threads: a receiver that answers slowly (up to the timeouts) holds up its own webhook's deliveries
 * only, and the next look skips the webhooks still sending. At most {@link #MAX_SENDING} webhooks send at once.
 * Nothing is sent while this node's webhook key is not the deployment's ({@link SigningKeyCheck}).
 */
public final class DeliveryWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);
    private static final int BATCH = 50;
    /** Webhooks sending at once on this node; their connections are bounded by it too. */
    private static final int MAX_SENDING = 64;

    private final Database db;
    private final DeliveryStore store = new DeliveryStore();
    private final SigningKeyCheck keyCheck;
    private final DeliverySender sender = new DeliverySender();
    private final DeliveryAttempts attempts;
    private final HeldTenants heldTenants;
    private final Clock clock;
    private final PollingLoop loop;
    /** The webhooks ({@code tenant id/webhook id}) whose deliveries are being sent now. */
    private final Set<String> sending = ConcurrentHashMap.newKeySet();
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();

    public DeliveryWorker(Database db, WebhookService webhooks, TenantService tenants,
                          Config.Webhooks settings, ObjectMapper mapper, Clock clock) {
        this.db = db;
        this.keyCheck = webhooks.keyCheck();
        this.attempts = new DeliveryAttempts(db, webhooks, tenants, sender,
                new EventMessages(mapper, webhooks.signingKey()), settings, clock);
        // read as stored, as the deliveries' own check reads it
        this.heldTenants = new HeldTenants("webhooks", db, store, tenantId -> tenants.find(tenantId).suspended());
        this.clock = clock;
        this.loop = new PollingLoop("webhooks", settings.pollMillis(), BATCH, () -> {
            heldTenants.releaseReactivated(this::running);
            return deliverDue();
        });
    }

    private boolean running() {
        return loop.running();
    }

    public void start() {
        loop.start();
    }

    /** Deliveries were just committed: look now instead of at the next poll. */
    public void wake() {
        loop.wake();
    }

    @Override
    public void close() {
        loop.close();
        // an interrupt ends each webhook's sending after its current attempt, whose lease then runs out
        senders.shutdownNow();
        try {
            senders.awaitTermination(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sender.close();
    }

    private int deliverDue() {
        if (sending.size() >= MAX_SENDING) {
            return 0; // a sending webhook's end wakes the loop
        }
        List<Delivery.Due> due = db.read(h -> store.due(h, clock.instant(), BATCH, Set.copyOf(sending)));
        // asked only once there is something to sign: a deployment without webhooks never records a key
        if (due.isEmpty() || !keyCheck.usable()) {
            return 0;
        }
        Map<String, List<Delivery.Due>> byWebhook = new LinkedHashMap<>();
        due.forEach(d -> byWebhook.computeIfAbsent(webhookOf(d), webhook -> new ArrayList<>()).add(d));
        byWebhook.forEach((webhook, deliveries) -> {
            if (sending.size() < MAX_SENDING && sending.add(webhook)) {
                senders.submit(() -> {
                    try {
                        deliverInOrder(deliveries);
                    } finally {
                        sending.remove(webhook);
                        loop.wake(); // its later deliveries, and the webhooks that waited for a place
                    }
                });
            }
        });
        return due.size();
    }

    private static String webhookOf(Delivery.Due due) {
        return due.key().tenantId() + "/" + due.key().webhookId();
    }

    private void deliverInOrder(List<Delivery.Due> deliveries) {
        for (Delivery.Due due : deliveries) {
            if (!loop.running()) {
                return;
            }
            try {
                attempts.attempt(due);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // the lease runs out and a later round tries again; the next ones would meet the same trouble
                log.warn("webhooks: delivery of event {} to webhook {} failed ({}); trying again later",
                        due.key().eventId(), due.key().webhookId(), DatabaseErrors.withoutValues(e).toString());
                return;
            }
        }
    }
}
