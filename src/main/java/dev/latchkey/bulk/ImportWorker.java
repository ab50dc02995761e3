package dev.latchkey.bulk;

import dev.latchkey.audit.Actor;
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
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs the queued imports in turns: one thread per node takes a job under a lease, so that two nodes never run one job
 * at once, nor two jobs of one shop (a shop's jobs run in the order they were queued), imports its rows in batches,
 * each committed in one transaction with the job's progress and a renewed lease, and after a slice of
 * {@code LATCHKEY_IMPORT_SLICE_MS} lets the job go; the next job it takes is that of the shop that has waited longest
 * ({@link ImportStore#due}), so one shop's large file does not hold up another shop's small one.
 * A node that stops mid-job leaves the lease to run out; the next worker goes on from the first row not committed, and
 * no row is imported twice. A suspended shop's jobs wait until it is active again: a slice stops at the next batch once
 * the shop is suspended. A cancelled job takes the lease away, so the batch in progress is rolled back. A job ends with
 * its file dropped and one {@code customers.imported} audit event; a copy a worker kept of it is dropped at that
 * worker's next turn.
 */
public final class ImportWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ImportWorker.class);
    /** Long enough for any batch: each renews it. */
    private static final Duration LEASE = Duration.ofMinutes(2);
    private static final int LOOK_AHEAD = 10;
    /**
     * Files read, kept between slices so that a job's next turn does not read its file from the database and its rows
     * up to where it stands again: two of up to 20 MB each, enough for two shops taking turns.
     */
    private static final int FILES_KEPT = 2;

    private final Database db;
    private final CustomerImports imports;
    private final ImportStore store;
    private final RowImporter rows;
    private final TenantService tenants;
    private final int batch;
    private final long sliceNanos;
    private final PollingLoop loop;
    /** Changed by the loop's thread only; synchronized for {@link #filesKept}. */
    private final Map<String, OpenFile> files = Collections.synchronizedMap(new LinkedHashMap<>(4, 0.75f, true));

    /** The batch lost its job's lease to another worker: it is rolled back, and this worker lets the job go. */
    private static final class LeaseLost extends RuntimeException {
        LeaseLost() {
            super(null, null, false, false);
        }
    }

    /** A job's file, read up to {@code at} rows. */
    private record OpenFile(ImportJob job, ImportRows rows, int at) {
    }

    public ImportWorker(Database db, CustomerImports imports, RowImporter rows, TenantService tenants,
                        Config.Bulk settings) {
        this.db = db;
        this.imports = imports;
        this.store = imports.store();
        this.rows = rows;
        this.tenants = tenants;
        this.batch = settings.importBatch();
        this.sliceNanos = Duration.ofMillis(settings.importSliceMillis()).toNanos();
        // one slice per round; a round that ran one looks again at once
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

    /** The ids of the jobs whose files this worker keeps between their turns. */
    Set<String> filesKept() {
        synchronized (files) {
            return Set.copyOf(files.keySet());
        }
    }

    /**
     * Runs a slice of the job whose shop has waited longest, of the jobs that no worker holds and whose shop is not
     * suspended; answers how many it ran.
     */
    private int runOne() {
        forgetEnded();
        Set<String> held = new HashSet<>();
        List<ImportJob> due;
        do {
            due = db.read(h -> store.due(h, imports.now(), LOOK_AHEAD, held));
            for (ImportJob job : due) {
                if (!loop.running()) {
                    return 0;
                }
                if (held.contains(job.tenantId()) || suspended(job)) {
                    held.add(job.tenantId());
                    continue;
                }
                String worker = Secrets.id("wrk");
                Optional<ImportJob> leased = db.tx(h -> store.lease(h, job, worker, imports.now(),
                        imports.now().plus(LEASE)));
                if (leased.isPresent()) {
                    runSlice(leased.get(), worker);
                    return 1;
                }
                held.add(job.tenantId()); // another worker took it, or another job of the shop meanwhile
            }
        } while (due.size() == LOOK_AHEAD); // all were held or taken: the next ones, without the held shops'
        files.clear(); // nothing to run here now: the files read are not worth their memory
        return 0;
    }

    /**
     * Drops the files kept of jobs that ended since (cancelled, or ended by another node's worker): up to 20 MB each
     * that would otherwise stay until this worker is idle or reads other files.
     */
    private void forgetEnded() {
        List<ImportJob> kept;
        synchronized (files) {
            kept = files.values().stream().map(OpenFile::job).toList();
        }
        for (ImportJob job : kept) {
            if (!db.read(h -> store.unfinished(h, job.tenantId(), job.id()))) {
                files.remove(job.id());
            }
        }
    }

    private boolean suspended(ImportJob job) {
        return tenants.find(job.tenantId()).suspended();
    }

    private void runSlice(ImportJob job, String worker) {
        long until = System.nanoTime() + sliceNanos;
        ImportRows file;
        try {
            file = open(job);
        } catch (ImportRows.Unreadable e) {
            // checked when it was uploaded: only a change of this service's reading could make it so
            log.warn("customer import {}: the file cannot be read ({}); the job fails", job.id(), e.getMessage());
            finish(job, worker, job.progress(), ImportJob.Status.FAILED);
            return;
        }
        if (file == null) {
            return; // cancelled since it was taken: the file is gone with its lease
        }
        ImportJob.Progress progress = job.progress();
        do {
            progress = runBatch(job, worker, file, progress);
            if (progress == null) {
                return;
            }
            // a job whose last row is committed ends in this turn, with its next (empty) batch
        } while (progress.processedRows() >= job.totalRows() || !turnOver(job, until));
        files.put(job.id(), new OpenFile(job, file, progress.processedRows()));
        db.tx(h -> store.release(h, job, worker));
    }

    /** The slice ran its time, the node is stopping, or the shop was suspended meanwhile. */
    private boolean turnOver(ImportJob job, long until) {
        return !loop.running() || System.nanoTime() - until >= 0 || suspended(job);
    }

    /** Imports the next batch and answers the progress committed; null when the job ended or was taken away. */
    private ImportJob.Progress runBatch(ImportJob job, String worker, ImportRows file, ImportJob.Progress progress) {
        List<ImportRows.Row> next = next(file);
        if (next == null || next.isEmpty()) {
            finish(job, worker, progress, next == null ? ImportJob.Status.FAILED : ImportJob.Status.SUCCEEDED);
            return null;
        }
        Tally tally = new Tally(progress);
        try {
            return db.tx(h -> {
                rows.importBatch(h, job, file, next, tally);
                ImportJob.Progress done = tally.progress();
                if (!store.progress(h, job, worker, done, imports.now().plus(LEASE))) {
                    throw new LeaseLost();
                }
                return done;
            });
        } catch (LeaseLost e) {
            return null; // cancelled, or taken over after its lease ran out: the batch is rolled back
        } catch (RuntimeException e) {
            // Not a refused row (those are reported and skipped): the database, or a fault of this service. Taken
            // up again after the lease, the job would meet it again and again; it ends here at the rows committed,
            // and the same file sent again with on_conflict=skip does the rest.
            log.error("customer import {}: failed after row {} of {}", job.id(), progress.processedRows(),
                    job.totalRows(), e);
            finish(job, worker, progress, ImportJob.Status.FAILED);
            return null;
        }
    }

    /**
     * The job's file, read up to its first row not committed: the one this worker kept, if it stands there, else read
     * again from the database. Null when the job has no file any more: it was cancelled since it was taken.
     */
    private ImportRows open(ImportJob job) throws ImportRows.Unreadable {
        OpenFile kept = files.remove(job.id());
        if (kept != null && kept.at() == job.progress().processedRows()) {
            return kept.rows();
        }
        Optional<byte[]> payload = db.read(h -> store.payload(h, job));
        if (payload.isEmpty()) {
            return null;
        }
        ImportRows file = ImportRows.of(job.format(), payload.get(), imports.json());
        for (int skipped = 0; skipped < job.progress().processedRows(); skipped++) {
            file.next(); // committed by an earlier slice
        }
        synchronized (files) {
            while (files.size() >= FILES_KEPT) {
                files.remove(files.keySet().iterator().next()); // the one used longest ago
            }
        }
        return file;
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
                imports.recordEnd(h, job, status, progress, client, new Actor(job.staffId()));
            }
            return null;
        });
    }
}
