package dev.latchkey.db;

import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Deletes rows that nobody will read again (audit events past their retention, tokens and sessions long expired) on a
 * background thread, tenant by tenant and sweep by sweep, each in its own transaction, so that every statement stays
 * within one tenant's rows and no table grows for ever. Closing it stops the thread.
 */
public final class Housekeeping implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);

    /** One kind of row that outlived its use: deletes the tenant's as of {@code now}, or a batch, and says how many. */
    @FunctionalInterface
    public interface Sweep {
        int sweep(Handle h, String tenantId, Instant now);
    }

    /**
     * A sweep with what it deletes, as the log names it. One that works {@code inBatches} runs again, each time in a
     * transaction of its own, until it deletes nothing, so that no lock of a large first clean-up is held for long;
     * any other runs once per tenant.
     */
    public record Job(String what, Sweep sweep, boolean inBatches) {
        public static Job once(String what, Sweep sweep) {
            return new Job(what, sweep, false);
        }

        public static Job inBatches(String what, Sweep sweep) {
            return new Job(what, sweep, true);
        }
    }

    private final Database db;
    private final Supplier<List<String>> tenantIds;
    private final List<Job> jobs;
    private final Clock clock;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "latchkey-housekeeping");
        thread.setDaemon(true);
        return thread;
    });

    /** The {@code jobs} run in this order. */
    public Housekeeping(Database db, Supplier<List<String>> tenantIds, List<Job> jobs, Clock clock) {
        this.db = db;
        this.tenantIds = tenantIds;
        this.jobs = List.copyOf(jobs);
        this.clock = clock;
    }

    /** Runs every sweep after {@code firstDelay}, then every {@code interval}. */
    public Housekeeping start(Duration firstDelay, Duration interval) {
        executor.scheduleWithFixedDelay(this::runAndLog, firstDelay.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Runs every sweep now, on the caller's thread; returns how many rows each deleted. A sweep that fails for one
     * tenant is logged and the run goes on with the next: one tenant's trouble must not leave every tenant after it
     * unswept.
     */
    public Map<String, Integer> run() {
        Instant now = clock.instant();
        Map<String, Integer> deleted = new LinkedHashMap<>();
        for (String tenantId : tenantIds.get()) {
            for (Job job : jobs) {
                try {
                    deleted.merge(job.what(), sweep(job, tenantId, now), Integer::sum);
                } catch (RuntimeException e) {
                    log.warn("housekeeping of {} failed for tenant {}; the next run tries again", job.what(), tenantId,
                            DatabaseErrors.withoutValues(e));
                }
            }
        }
        return deleted;
    }

    private int sweep(Job job, String tenantId, Instant now) {
        int total = 0;
        int batch;
        do {
            batch = db.tx(h -> job.sweep().sweep(h, tenantId, now));
            total += batch;
        } while (job.inBatches() && batch > 0);
        return total;
    }

    private void runAndLog() {
        try {
            run().forEach((what, count) -> {
                if (count > 0) {
                    log.info("housekeeping deleted {} {}", count, what);
                }
            });
        } catch (RuntimeException e) {
            // the next run tries again; a failed run must not end the schedule
            log.warn("housekeeping failed", DatabaseErrors.withoutValues(e));
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
