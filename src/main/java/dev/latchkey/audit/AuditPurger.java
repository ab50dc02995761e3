package dev.latchkey.audit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Deletes audit events older than the retention ({@code LATCHKEY_AUDIT_RETENTION_DAYS}) on a background thread, tenant
 * by tenant so that each statement stays within one tenant's rows. Closing it stops the thread.
 */
public final class AuditPurger implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AuditPurger.class);

    private final AuditLog audit;
    private final Supplier<List<String>> tenantIds;
    private final Duration retention;
    private final Clock clock;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "latchkey-audit-purge");
        thread.setDaemon(true);
        return thread;
    });

    public AuditPurger(AuditLog audit, Supplier<List<String>> tenantIds, Duration retention, Clock clock) {
        this.audit = audit;
        this.tenantIds = tenantIds;
        this.retention = retention;
        this.clock = clock;
    }

    /** Runs a purge after {@code firstDelay}, then every {@code interval}. */
    public AuditPurger start(Duration firstDelay, Duration interval) {
        executor.scheduleWithFixedDelay(this::purgeAndLog, firstDelay.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return this;
    }

    /** Purges now, on the caller's thread; returns how many events were deleted. */
    public int purge() {
        Instant cutoff = clock.instant().minus(retention);
        int deleted = 0;
        for (String tenantId : tenantIds.get()) {
            deleted += audit.purge(tenantId, cutoff);
        }
        return deleted;
    }

    private void purgeAndLog() {
        try {
            int deleted = purge();
            if (deleted > 0) {
                log.info("purged {} audit events older than {} days", deleted, retention.toDays());
            }
        } catch (RuntimeException e) {
            // the next run tries again; a failed purge must not end the schedule
            log.warn("audit purge failed", e);
        }
    }

    public boolean isRunning() {
        return !executor.isTerminated();
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
