package dev.latchkey.bulk;

import dev.latchkey.audit.Actor;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.auth.Secrets;
import dev.latchkey.config.Config;
import dev.latchkey.db.Database;
import dev.latchkey.db.PollingLoop;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.tenant.TenantService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs the queued imports: one thread per node takes a job under a lease, so that two nodes never run one job at once,
 * and imports its rows in batches, each committed in one transaction with the job's progress and a renewed lease. A
 * node that stops mid-job leaves the lease to run out; the next worker goes on from the first row not committed, and
 * no row is imported twice. Jobs of a suspended shop wait until it is active again. A job ends with its file dropped
 * and one {@code customers.imported} audit event.
 */
public final class ImportWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ImportWorker.class);
    /** Long enough for any batch: each renews it. */
    private static final Duration LEASE = Duration.ofMinutes(2);
    private static final int LOOK_AHEAD = 10;

    private final Database db;
    private final CustomerImports imports;
    private final ImportStore store;
    private final RowImporter rows;
    private final TenantService tenants;
    private final AuditLog audit;
    private final int batch;
    private final PollingLoop loop;

    /** The batch lost its job's lease to another worker: it is rolled back, and this worker lets the job go. */
    private static final class LeaseLost extends RuntimeException {
        LeaseLost() {
            super(null, null, false, false);
        }
    }

    public ImportWorker(Database db, CustomerImports imports, RowImporter rows, TenantService tenants, AuditLog audit,
                        Config.Bulk settings) {
        this.db = db;
        this.imports = imports;
        this.store = imports.store();
        this.rows = rows;
        this.tenants = tenants;
        this.audit = audit;
        this.batch = settings.importBatch();
        // one job per round; a round that ran one looks again at once
        this.loop = new PollingLoop("customer-imports", settings.importPollMillis(), 1, this::runOne);
    }

    public void start() {
        loop.start();
    }

    /** A job was just queued: look now instead of at the next poll. */
    public void wake() {
        loop.wake();
    }

    @Override
    public void close() {
        loop.close();
    }

    /** Runs the oldest job that no worker holds, of a shop that is not suspended; answers how many it ran. */
    private int runOne() {
        Set<String> held = new HashSet<>();
        List<ImportJob> due;
        do {
            due = db.read(h -> store.due(h, imports.now(), LOOK_AHEAD, held));
            for (ImportJob job : due) {
                if (!loop.running()) {
                    return 0;
                }
                if (held.contains(job.tenantId()) || tenants.find(job.tenantId()).suspended()) {
                    held.add(job.tenantId());
                    continue;
                }
                String worker = Secrets.id("wrk");
                if (db.tx(h -> store.lease(h, job, worker, imports.now(), imports.now().plus(LEASE)))) {
                    run(job, worker);
                    return 1;
                }
            }
        } while (due.size() == LOOK_AHEAD); // all were held or taken: the next ones, without the held shops'
        return 0;
    }

    private void run(ImportJob job, String worker) {
        Optional<byte[]> payload = db.read(h -> store.payload(h, job));
        ImportRows file;
        try {
            file = ImportRows.of(job.format(), payload.orElseThrow(), imports.json());
            for (int skipped = 0; skipped < job.progress().processedRows(); skipped++) {
                file.next(); // committed by an earlier run
            }
        } catch (ImportRows.Unreadable e) {
            // checked when it was uploaded: only a change of this service's reading could make it so
            log.warn("customer import {}: the file cannot be read ({}); the job fails", job.id(), e.getMessage());
            finish(job, worker, job.progress(), ImportJob.Status.FAILED);
            return;
        }
        ImportJob.Progress progress = job.progress();
        while (loop.running()) {
            List<ImportRows.Row> next = next(file);
            if (next == null) {
                finish(job, worker, progress, ImportJob.Status.FAILED);
                return;
            }
            if (next.isEmpty()) {
                finish(job, worker, progress, ImportJob.Status.SUCCEEDED);
                return;
            }
            Tally tally = new Tally(progress);
            try {
                progress = db.tx(h -> {
                    next.forEach(row -> rows.importRow(h, job, file, row, tally));
                    ImportJob.Progress done = tally.progress();
                    if (!store.progress(h, job, worker, done, imports.now().plus(LEASE))) {
                        throw new LeaseLost();
                    }
                    return done;
                });
            } catch (LeaseLost e) {
                return;
            } catch (RuntimeException e) {
                // Not a refused row (those are reported and skipped): the database, or a fault of this service. Taken
                // up again after the lease, the job would meet it again and again; it ends here at the rows committed,
                // and the same file sent again with on_conflict=skip does the rest.
                log.error("customer import {}: failed after row {} of {}", job.id(), progress.processedRows(),
                        job.totalRows(), e);
                finish(job, worker, progress, ImportJob.Status.FAILED);
                return;
            }
        }
    }

    /** Up to a batch of rows; null when the file stops being readable. */
    private List<ImportRows.Row> next(ImportRows file) {
        List<ImportRows.Row> next = new ArrayList<>(batch);
        try {
            for (int i = 0; i < batch; i++) {
                Optional<ImportRows.Row> row = file.next();
                if (row.isEmpty()) {
                    break;
                }
                next.add(row.get());
            }
        } catch (ImportRows.Unreadable e) {
            return null;
        }
        return next;
    }

    private void finish(ImportJob job, String worker, ImportJob.Progress progress, ImportJob.Status status) {
        var client = new ClientInfo(job.clientIp(), job.userAgent(), job.staffId(), job.apiKeyId());
        db.tx(h -> {
            if (store.finish(h, job, worker, status, imports.now())) {
                Map<String, Object> summary = new LinkedHashMap<>();
                summary.put("import_id", job.id());
                summary.put("status", status.wire());
                summary.put("format", job.format().wire());
                summary.put("created", progress.created());
                summary.put("updated", progress.updated());
                summary.put("skipped", progress.skipped());
                summary.put("failed_rows", progress.failedRows());
                audit.record(h, job.tenantId(), null, AuditType.CUSTOMERS_IMPORTED, client,
                        new Actor(job.staffId()).with(summary));
            }
            return null;
        });
    }
}
