package dev.latchkey.bulk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.db.Database;
import dev.latchkey.http.Cursor;
import org.jdbi.v3.core.Handle;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * SQL for import jobs. Every statement about a job names its tenant; finding jobs to run is deliberately global, since
 * one worker per node serves every tenant. A running job's progress is written only by the worker holding its lease;
 * a cancel ends the job whoever holds it, and that worker's next write finds it gone.
 */
final class ImportStore {
    private static final String KEY = " WHERE tenant_id = :tenant AND id = :id";
    private static final String HELD = KEY + " AND leased_by = :worker AND status = 'running'";
    private static final String UNFINISHED = "status IN ('queued', 'running')";
    /**
     * Job {@code j} is the oldest unfinished one of its shop, and no other job of the shop is held under a lease: a
     * shop's jobs run one at a time on all nodes, in the order they were queued. Part of the claim's own statement,
     * so that two workers claiming two jobs of one shop at once do not both win: the younger one waits for the older
     * one to end, which is for good.
     */
    private static final String FIRST_OF_ITS_SHOP = " AND NOT EXISTS (SELECT 1 FROM customer_imports o"
            + " WHERE o.tenant_id = j.tenant_id AND o.id <> j.id AND o." + UNFINISHED
            + " AND ((o.created_at, o.id) < (j.created_at, j.id) OR o.leased_until > :now))";
    private static final String JOB = "SELECT j.tenant_id, j.id, j.status, j.format, j.on_conflict, j.total_rows, "
            + "j.processed_rows, j.created_count, j.updated_count, j.skipped_count, j.failed_count, j.passwords_kept, "
            + "j.errors, j.staff_id, j.api_key_id, j.client_ip, j.user_agent, j.created_at, j.finished_at "
            + "FROM customer_imports j";
    private static final TypeReference<List<ImportJob.RowError>> ERRORS = new TypeReference<>() {
    };

    private final ObjectMapper mapper;
    private final boolean postgres;

    ImportStore(ObjectMapper mapper, boolean postgres) {
        this.mapper = mapper;
        this.postgres = postgres;
    }

    /**
     * The file goes to PostgreSQL as a stream, which the driver sends as it reads (given bytes, it would copy them
     * first); H2, which runs in this heap, takes bytes, and copies them whichever way it is given them (a stream, it
     * first writes to its store of large objects and reads back).
     */
    void insert(Handle h, ImportJob job, ByteBuffer payload) {
        h.createUpdate("INSERT INTO customer_imports (tenant_id, id, status, format, on_conflict, total_rows, "
                        + "errors, staff_id, api_key_id, client_ip, user_agent, created_at) VALUES (:tenant, :id, "
                        + ":status, :format, :on_conflict, :total, '[]', :staff, :key, :ip, :agent, :created)")
                .bind("tenant", job.tenantId()).bind("id", job.id()).bind("status", job.status().wire())
                .bind("format", job.format().wire()).bind("on_conflict", job.onConflict().wire())
                .bind("total", job.totalRows()).bind("staff", job.staffId())
                .bind("key", job.apiKeyId()).bind("ip", job.clientIp()).bind("agent", job.userAgent())
                .bind("created", Database.ts(job.createdAt()))
                .execute();
        var file = h.createUpdate("INSERT INTO customer_import_files (tenant_id, import_id, payload) "
                        + "VALUES (:tenant, :id, :payload)")
                .bind("tenant", job.tenantId()).bind("id", job.id());
        int offset = payload.arrayOffset() + payload.position();
        if (postgres) {
            file.bindBinaryStream("payload", new ByteArrayInputStream(payload.array(), offset, payload.remaining()),
                    payload.remaining());
        } else {
            boolean whole = offset == 0 && payload.remaining() == payload.array().length;
            file.bind("payload", whole ? payload.array()
                    : Arrays.copyOfRange(payload.array(), offset, offset + payload.remaining()));
        }
        file.execute();
    }

    Optional<ImportJob> find(Handle h, String tenantId, String id) {
        return h.createQuery(JOB + KEY).bind("tenant", tenantId).bind("id", id)
                .map((rs, ctx) -> job(rs)).findOne();
    }

    /** Newest first, before {@code before} when given. */
    List<ImportJob> list(Handle h, String tenantId, Cursor before, int limit) {
        var query = h.createQuery(JOB + " WHERE tenant_id = :tenant"
                        + (before == null ? "" : " AND (created_at, id) < (:at, :id)")
                        + " ORDER BY tenant_id DESC, created_at DESC, id DESC LIMIT :limit")
                .bind("tenant", tenantId).bind("limit", limit);
        if (before != null) {
            query.bind("at", Database.ts(before.at())).bind("id", before.id());
        }
        return query.map((rs, ctx) -> job(rs)).list();
    }

    int unfinished(Handle h, String tenantId) {
        return h.createQuery("SELECT COUNT(*) FROM customer_imports WHERE tenant_id = :tenant AND " + UNFINISHED)
                .bind("tenant", tenantId).mapTo(Integer.class).one();
    }

    /** Whether the job is still queued or running. */
    boolean unfinished(Handle h, String tenantId, String id) {
        return h.createQuery("SELECT COUNT(*) FROM customer_imports" + KEY + " AND " + UNFINISHED)
                .bind("tenant", tenantId).bind("id", id).mapTo(Integer.class).one() == 1;
    }

    /**
     * Jobs of every tenant but the {@code held} ones that a worker may take now (no worker holds them, and each is
     * the next of its shop), the job of the shop that has waited longest first: a shop waits from its last turn (a
     * worker took one of its jobs), or from when the job was queued if that came later. Across shops it takes turns.
     */
    List<ImportJob> due(Handle h, Instant now, int limit, Set<String> held) {
        var query = h.createQuery(JOB + " LEFT JOIN customer_import_turns t ON t.tenant_id = j.tenant_id WHERE j."
                        + UNFINISHED + " AND (j.leased_until IS NULL OR j.leased_until <= :now)" + FIRST_OF_ITS_SHOP
                        + (held.isEmpty() ? "" : " AND j.tenant_id NOT IN (<held>)")
                        + " ORDER BY GREATEST(t.turn_at, j.created_at), j.created_at, j.id LIMIT :limit")
                .bind("now", Database.ts(now)).bind("limit", limit);
        if (!held.isEmpty()) {
            query.bindList("held", List.copyOf(held));
        }
        return query.map((rs, ctx) -> job(rs)).list();
    }

    /**
     * Takes the job for {@code worker} until {@code until}, and gives its shop this turn; only one worker of any node
     * wins, and none while another job of the shop is unfinished before it or held. The job as it is now: its progress
     * may have moved on since {@code job} was read.
     */
    Optional<ImportJob> lease(Handle h, ImportJob job, String worker, Instant now, Instant until) {
        boolean won = h.createUpdate("UPDATE customer_imports j SET status = 'running', leased_by = :worker, "
                        + "leased_until = :until" + KEY + " AND " + UNFINISHED
                        + " AND (leased_until IS NULL OR leased_until <= :now)" + FIRST_OF_ITS_SHOP)
                .bind("tenant", job.tenantId()).bind("id", job.id()).bind("worker", worker)
                .bind("until", Database.ts(until)).bind("now", Database.ts(now))
                .execute() == 1;
        if (!won) {
            return Optional.empty();
        }
        boolean seen = h.createUpdate("UPDATE customer_import_turns SET turn_at = :now WHERE tenant_id = :tenant")
                .bind("tenant", job.tenantId()).bind("now", Database.ts(now)).execute() == 1;
        if (!seen) {
            // a worker of another node giving the shop its first turn at this moment makes it the same turn
            h.createUpdate("INSERT INTO customer_import_turns (tenant_id, turn_at) VALUES (:tenant, :now) "
                            + "ON CONFLICT DO NOTHING")
                    .bind("tenant", job.tenantId()).bind("now", Database.ts(now)).execute();
        }
        return find(h, job.tenantId(), job.id());
    }

    Optional<byte[]> payload(Handle h, ImportJob job) {
        return h.createQuery("SELECT payload FROM customer_import_files WHERE tenant_id = :tenant AND import_id = :id")
                .bind("tenant", job.tenantId()).bind("id", job.id())
                .map((rs, ctx) -> rs.getBytes("payload")).findOne();
    }

    /** The progress of a batch, with the lease renewed; false when {@code worker} no longer holds the job. */
    boolean progress(Handle h, ImportJob job, String worker, ImportJob.Progress progress, Instant until) {
        return h.createUpdate("UPDATE customer_imports SET processed_rows = :processed, created_count = :created, "
                        + "updated_count = :updated, skipped_count = :skipped, failed_count = :failed, "
                        + "passwords_kept = :passwords_kept, errors = :errors, leased_until = :until" + HELD)
                .bind("tenant", job.tenantId()).bind("id", job.id()).bind("worker", worker)
                .bind("processed", progress.processedRows()).bind("created", progress.created())
                .bind("updated", progress.updated()).bind("skipped", progress.skipped())
                .bind("failed", progress.failedRows()).bind("passwords_kept", progress.passwordsKept())
                .bind("errors", json(progress.errors()))
                .bind("until", Database.ts(until))
                .execute() == 1;
    }

    /** Lets the job go at the end of a slice, for the next turn; false when {@code worker} no longer holds it. */
    boolean release(Handle h, ImportJob job, String worker) {
        return h.createUpdate("UPDATE customer_imports SET leased_by = NULL, leased_until = NULL" + HELD)
                .bind("tenant", job.tenantId()).bind("id", job.id()).bind("worker", worker)
                .execute() == 1;
    }

    /** Ends the job and drops its file; false when {@code worker} no longer holds it. */
    boolean finish(Handle h, ImportJob job, String worker, ImportJob.Status status, Instant at) {
        boolean held = h.createUpdate("UPDATE customer_imports SET status = :status, leased_by = NULL, "
                        + "leased_until = NULL, finished_at = :at" + HELD)
                .bind("tenant", job.tenantId()).bind("id", job.id()).bind("worker", worker)
                .bind("status", status.wire()).bind("at", Database.ts(at))
                .execute() == 1;
        if (held) {
            dropFile(h, job.tenantId(), job.id());
        }
        return held;
    }

    /**
     * Cancels the job, held by a worker or not, and drops its file; false when it had ended already (or there is none).
     * A worker running it loses its lease: the batch it is on is rolled back.
     */
    boolean cancel(Handle h, String tenantId, String id, Instant at) {
        boolean unfinished = h.createUpdate("UPDATE customer_imports SET status = 'cancelled', leased_by = NULL, "
                        + "leased_until = NULL, finished_at = :at" + KEY + " AND " + UNFINISHED)
                .bind("tenant", tenantId).bind("id", id).bind("at", Database.ts(at))
                .execute() == 1;
        if (unfinished) {
            dropFile(h, tenantId, id);
        }
        return unfinished;
    }

    private static void dropFile(Handle h, String tenantId, String id) {
        h.createUpdate("DELETE FROM customer_import_files WHERE tenant_id = :tenant AND import_id = :id")
                .bind("tenant", tenantId).bind("id", id).execute();
    }

    private String json(List<ImportJob.RowError> errors) {
        try {
            return mapper.writeValueAsString(errors);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("row errors are plain values", e);
        }
    }

    private ImportJob job(ResultSet rs) throws SQLException {
        List<ImportJob.RowError> errors;
        try {
            errors = mapper.readValue(rs.getString("errors"), ERRORS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored row errors are JSON", e);
        }
        var progress = new ImportJob.Progress(rs.getInt("processed_rows"), rs.getInt("created_count"),
                rs.getInt("updated_count"), rs.getInt("skipped_count"), rs.getInt("failed_count"),
                rs.getInt("passwords_kept"), errors);
        return new ImportJob(rs.getString("tenant_id"), rs.getString("id"),
                ImportJob.Status.valueOf(rs.getString("status").toUpperCase()),
                ImportJob.Format.valueOf(rs.getString("format").toUpperCase()),
                ImportJob.OnConflict.valueOf(rs.getString("on_conflict").toUpperCase()), rs.getInt("total_rows"),
                progress, rs.getString("staff_id"), rs.getString("api_key_id"), rs.getString("client_ip"),
                rs.getString("user_agent"), Database.instant(rs, "created_at"), Database.instant(rs, "finished_at"));
    }
}
