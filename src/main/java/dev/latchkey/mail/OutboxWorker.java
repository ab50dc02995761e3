package dev.latchkey.mail;

import dev.latchkey.config.Config;
import dev.latchkey.db.Database;
import dev.latchkey.db.HeldTenants;
import dev.latchkey.db.PollingLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Sends what the outbox holds: one thread per node, woken after each commit that queued mail and otherwise polling.
 * A mail is leased before sending so that workers of several nodes never send it twice at once; a failed send is
 * retried with exponential back-off. Delivery is at least once: a crash between sending and recording it sends again.
 * A suspended tenant's mail is held, not sent (what an attacker queued before the suspension must not go out while
 * the operator looks into it), and released when the tenant is active again.
 */
public final class OutboxWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutboxWorker.class);
    private static final int BATCH = 20;
    private static final Duration LEASE = Duration.ofMinutes(2);
    private static final Duration KEEP_SENT = Duration.ofDays(30);
    static final String LINK_EXPIRED = "not sent: the link expired before the mail could go out";
    /** Time for an operator to look into mail given up on and send it again; then it goes, as the shopper's data. */
    private static final Duration KEEP_FAILED = Duration.ofDays(90);
    private static final Duration PURGE_EVERY = Duration.ofHours(1);
    private static final int PURGE_BATCH = 1_000;
    private static final int MAX_ERROR = 500;

    private final Database db;
    private final OutboxStore store;
    private final Mailer mailer;
    private final Config.MailDelivery delivery;
    private final Predicate<String> suspended;
    private final Clock clock;
    private final PollingLoop loop;
    private final HeldTenants heldTenants;
    private Instant lastPurge = Instant.MIN;

    /** {@code suspended} tells whether a tenant (by id) is suspended now. */
    public OutboxWorker(Database db, OutboxStore store, Mailer mailer, Config.MailDelivery delivery,
                        Predicate<String> suspended, Clock clock) {
        this.db = db;
        this.store = store;
        this.mailer = mailer;
        this.delivery = delivery;
        this.suspended = suspended;
        this.heldTenants = new HeldTenants("outbox", db, store, suspended);
        this.clock = clock;
        this.loop = new PollingLoop("outbox", delivery.pollMillis(), BATCH, () -> {
            // its links' expiry is checked as it is sent, as for any mail
            heldTenants.releaseReactivated(this::running);
            int handled = deliverDue();
            purgeNowAndThen();
            return handled;
        });
    }

    private boolean running() {
        return loop.running();
    }

    public void start() {
        loop.start();
    }

    /** Mail was just committed: look now instead of at the next poll. */
    public void wake() {
        loop.wake();
    }

    /** Stops the worker; a mail being sent right now is broken off and stays queued (see {@link #deliver}). */
    @Override
    public void close() {
        loop.close(mailer::close);
    }

    private int deliverDue() {
        Instant now = now();
        List<OutboxStore.Queued> due = db.read(h -> store.due(h, now, BATCH));
        Set<String> held = new HashSet<>();
        // each tenant's status read once a round, not once a mail
        Map<String, Boolean> suspendedNow = new HashMap<>();
        for (OutboxStore.Queued queued : due) {
            if (!loop.running()) {
                break;
            }
            OutgoingMail mail = queued.mail();
            if (suspendedNow.computeIfAbsent(mail.tenantId(), suspended::test)) {
                // all of the tenant's pending mail at once, out of the due index: the next read finds other mail
                if (held.add(mail.tenantId())) {
                    hold(mail.tenantId());
                }
                continue;
            }
            // the lease runs from this mail's own send: the sends before it may have taken longer than a lease
            Instant leasedAt = now();
            boolean mine = db.tx(h -> store.lease(h, mail.tenantId(), mail.id(), leasedAt,
                    leasedAt.plus(LEASE))) == 1;
            if (mine) {
                deliver(queued);
            }
        }
        return due.size();
    }

    private void hold(String tenantId) {
        int held = db.tx(h -> store.hold(h, tenantId, now()));
        log.info("outbox: tenant {} is suspended: {} mail held until it is active again", tenantId, held);
    }

    private void deliver(OutboxStore.Queued queued) {
        OutgoingMail mail = queued.mail();
        int attempts = queued.attempts() + 1;
        if (queued.secretExpiresAt() != null && !now().isBefore(queued.secretExpiresAt())) {
            // held back past its token's expiry (an SMTP outage): its link would only answer token_expired, and its
            // text promises a lifetime it no longer has; the shopper asks again
            db.run(h -> store.markFailed(h, mail.tenantId(), mail.id(), queued.attempts(), LINK_EXPIRED));
            log.warn("outbox: mail {} ({}, tenant {}) not sent: its link expired before it could go out", mail.id(),
                    mail.template(), mail.tenantId());
            return;
        }
        try {
            mailer.send(mail);
        } catch (Mailer.MailDeliveryException | RuntimeException e) {
            if (!loop.running()) {
                brokenOff(mail);
            } else {
                failed(mail, attempts, e);
            }
            return;
        }
        db.run(h -> store.markSent(h, mail.tenantId(), mail.id(), attempts, now()));
    }

    /**
     * The stop broke the send off: not an attempt that failed, the server may be fine. The lease is let go so that
     * another node, or this one once started again, sends the mail at once rather than when the lease runs out; should
     * that fail too (the stop's interrupt came first), the lease runs out all the same.
     */
    private void brokenOff(OutgoingMail mail) {
        try {
            db.run(h -> store.releaseLease(h, mail.tenantId(), mail.id()));
        } catch (RuntimeException e) {
            log.debug("outbox: lease of mail {} left to run out", mail.id());
        }
        log.info("outbox: sending mail {} ({}, tenant {}) broken off by the stop; it stays queued", mail.id(),
                mail.template(), mail.tenantId());
    }

    private void failed(OutgoingMail mail, int attempts, Exception e) {
        String error = String.valueOf(e.getMessage());
        error = error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error;
        if (attempts >= delivery.maxAttempts()) {
            String reason = error;
            db.run(h -> store.markFailed(h, mail.tenantId(), mail.id(), attempts, reason));
            log.error("outbox: gave up on mail {} ({}, tenant {}) after {} attempts: {}", mail.id(), mail.template(),
                    mail.tenantId(), attempts, error);
            return;
        }
        Duration wait = backOff(attempts);
        String reason = error;
        db.run(h -> store.reschedule(h, mail.tenantId(), mail.id(), attempts, now().plus(wait), reason));
        log.warn("outbox: mail {} ({}, tenant {}) not sent, attempt {}; next try in {} ms: {}", mail.id(),
                mail.template(), mail.tenantId(), attempts, wait.toMillis(), error);
    }

    /** base, 2 x base, 4 x base, ... up to the maximum. */
    Duration backOff(int attempts) {
        int doublings = Math.min(attempts - 1, 30);
        long millis = delivery.retryBaseMillis() << doublings;
        return Duration.ofMillis(Math.min(millis, delivery.retryMaxMillis()));
    }

    private void purgeNowAndThen() {
        Instant now = now();
        if (lastPurge.plus(PURGE_EVERY).isBefore(now)) {
            lastPurge = now;
            // a batch a statement: after a long stop the first purge may meet weeks of mail
            int deleted;
            do {
                deleted = db.withoutTransaction(h -> store.purge(h, now.minus(KEEP_SENT), now.minus(KEEP_FAILED),
                        PURGE_BATCH));
            } while (deleted == PURGE_BATCH && loop.running());
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
