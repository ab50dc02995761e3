package dev.latchkey.bulk;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.latchkey.audit.Actor;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.auth.Secrets;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.Cursor;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Page;
import dev.latchkey.http.Slots;
import dev.latchkey.tenant.TenantService;
import org.jdbi.v3.core.Handle;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The merchant's bulk imports: an uploaded file is checked as a whole (text in its charset, CSV that parses, with an
 * Email column and no plain passwords) and counted, then kept as a queued job that the import worker of any node runs.
 * The merchant may cancel a job until it ends.
 */
public final class CustomerImports {
    /** The largest file taken: about 100,000 customers of Shopify's CSV. */
    public static final long MAX_BYTES = 20L * 1024 * 1024;
    /** Imports of one shop queued or running at once: each holds its file in the database until it ends. */
    static final int MAX_UNFINISHED = 5;
    /**
     * Uploads a node reads at once, through the API and the dashboard together. Each holds its file in memory while it
     * is read, checked and stored: up to {@link #MAX_BYTES} once, and on the embedded database (which runs in the same
     * heap) about twice that more while it is stored, so these take at most about a quarter of the 1 GB heap that
     * jvm.options gives the server. One more is refused (503 {@code overloaded}) before its body is read.
     */
    public static final int UPLOADS_AT_ONCE = 4;

    private final Slots uploads = new Slots(UPLOADS_AT_ONCE, "Too many imports are being uploaded to this server at "
            + "once; send the file again in a few seconds.");

    private final Database db;
    private final ImportStore store;
    private final ObjectReader json;
    private final AuditLog audit;
    private final TenantService tenants;
    private volatile Runnable wakeWorker = () -> { };
    private final Clock clock;

    public CustomerImports(Database db, ObjectMapper mapper, AuditLog audit, TenantService tenants, Clock clock) {
        this.db = db;
        this.store = new ImportStore(mapper, db.isPostgres());
        this.json = JsonInput.reader(mapper);
        this.audit = audit;
        this.tenants = tenants;
        this.clock = clock;
    }

    /** Tells the worker of this node of each job queued here, so that it starts at once rather than at its next poll. */
    public void wakeOnQueued(Runnable wake) {
        this.wakeWorker = wake;
    }

    /**
     * A slot for reading one upload on this node, to be closed once its file is queued or refused: 503
     * {@code overloaded} while {@link #UPLOADS_AT_ONCE} are being read.
     */
    public Slots.Slot uploadSlot() {
        return uploads.take();
    }

    /**
     * The file is kept in UTF-8, as the worker reads it, whatever charset it came in. It is read where it is, as a
     * stream of text (checked to be text in its charset, then its rows counted), never held as one string; a file in
     * another charset is transcoded into an array of its own, which the database is given.
     */
    public ImportJob submit(String tenantId, UploadType type, ImportJob.OnConflict onConflict, ByteBuffer payload,
                     ClientInfo client) {
        int rows;
        long utf8Length;
        try {
            utf8Length = ImportRows.checkText(type, payload);
            rows = ImportRows.of(type.format(), ImportRows.text(type.charset(), payload), json).count();
        } catch (ImportRows.Unreadable e) {
            throw e.refusal();
        }
        if (rows == 0) {
            throw new ApiError(422, "empty_import", "The file holds no customers.");
        }
        ByteBuffer kept = type.charset().equals(StandardCharsets.UTF_8) ? payload
                : ImportRows.utf8(type.charset(), payload, utf8Length);
        var job = new ImportJob(tenantId, Secrets.id("imp"), ImportJob.Status.QUEUED, type.format(), onConflict,
                rows, ImportJob.Progress.NONE, client.staffId(), client.apiKeyId(), client.ip(), client.userAgent(),
                now(), null);
        db.tx(h -> {
            // two uploads at once, on any nodes, count one after the other: each sees the other's job
            tenants.lock(h, tenantId);
            requireRoom(h, tenantId);
            store.insert(h, job, kept);
            return null;
        });
        wakeWorker.run();
        return job;
    }

    /**
     * 409 {@code too_many_imports} at once, before a file of up to {@link #MAX_BYTES} is read for nothing; checked again
     * when the job is queued, under the shop's lock.
     */
    void requireRoom(String tenantId) {
        db.read(h -> {
            requireRoom(h, tenantId);
            return null;
        });
    }

    private void requireRoom(Handle h, String tenantId) {
        if (store.unfinished(h, tenantId) >= MAX_UNFINISHED) {
            throw new ApiError(409, "too_many_imports", MAX_UNFINISHED + " imports of this shop are queued or "
                    + "running; send the next file once one has finished.");
        }
    }

    public ImportJob get(String tenantId, String id) {
        return db.read(h -> store.find(h, tenantId, id)).orElseThrow(() -> ApiError.notFound("Import"));
    }

    /**
     * Ends a queued or running job where it is: the rows committed stay, a batch a worker is on is rolled back, and the
     * file is dropped. 404 for a job of another shop, 409 {@code import_finished} for one that has ended.
     */
    public ImportJob cancel(String tenantId, String id, Actor actor, ClientInfo client) {
        return db.tx(h -> {
            if (!store.cancel(h, tenantId, id, now())) {
                ImportJob ended = store.find(h, tenantId, id).orElseThrow(() -> ApiError.notFound("Import"));
                throw new ApiError(409, "import_finished", "The import has ended (" + ended.status().wire()
                        + "); only a queued or running import can be cancelled.");
            }
            ImportJob cancelled = store.find(h, tenantId, id).orElseThrow();
            recordEnd(h, cancelled, cancelled.status(), cancelled.progress(), client, actor);
            return cancelled;
        });
    }

    /** The job's one {@code customers.imported} event: how it ended, and the counts of the rows committed. */
    void recordEnd(Handle h, ImportJob job, ImportJob.Status status, ImportJob.Progress progress, ClientInfo client,
                   Actor actor) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("import_id", job.id());
        summary.put("status", status.wire());
        summary.put("format", job.format().wire());
        summary.put("created", progress.created());
        summary.put("updated", progress.updated());
        summary.put("skipped", progress.skipped());
        summary.put("failed_rows", progress.failedRows());
        summary.put("passwords_kept", progress.passwordsKept());
        audit.record(h, job.tenantId(), null, AuditType.CUSTOMERS_IMPORTED, client, actor.with(summary));
    }

    /** Newest first. */
    public Page<ImportJob> list(String tenantId, Cursor before, int limit) {
        List<ImportJob> rows = db.read(h -> store.list(h, tenantId, before, limit + 1));
        return Page.of(rows, limit, Listing.CUSTOMER_IMPORTS, last -> new Cursor(last.createdAt(), last.id()));
    }

    ImportStore store() {
        return store;
    }

    ObjectReader json() {
        return json;
    }

    /** To the millisecond, as both databases store it. */
    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
