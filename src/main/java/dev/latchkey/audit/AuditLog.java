package dev.latchkey.audit;

import dev.latchkey.http.Listing;
import dev.latchkey.http.Paging;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.auth.Secrets;
import dev.latchkey.db.Database;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.Cursor;
import dev.latchkey.http.Page;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * The security event log (OWASP ASVS 5.0 V16): who did what to which account, from where and when. Callers pass a
 * small map of details that must never hold a password, token or key. Recording inside the caller's transaction
 * ({@link #record(Handle, String, String, AuditType, ClientInfo, Map)}) keeps the event and the change together.
 */
public final class AuditLog {
    /** The data column's size; details are a few names and ids, so more means a caller put in too much. */
    private static final int MAX_DATA_CHARS = 4096;
    private static final int PURGE_BATCH = 1_000;

    private final Database db;
    private final AuditStore store;
    private final ObjectMapper mapper;
    private final Clock clock;
    private volatile EventFanOut fanOut;

    public AuditLog(Database db, ObjectMapper mapper, Clock clock) {
        this.db = db;
        this.store = new AuditStore(mapper);
        this.mapper = mapper;
        this.clock = clock;
    }

    /**
     * Hands every event recorded from now on to {@code fanOut} too, in the event's transaction; set once, while the
     * application is wired.
     */
    public void fanOutTo(EventFanOut fanOut) {
        this.fanOut = fanOut;
    }

    /** Records an event in its own transaction. {@code customerId} and {@code client} may be null. */
    public void record(String tenantId, String customerId, AuditType type, ClientInfo client, Map<String, ?> data) {
        db.run(h -> record(h, tenantId, customerId, type, client, data));
    }

    public void record(Handle h, String tenantId, String customerId, AuditType type, ClientInfo client,
                       Map<String, ?> data) {
        EventFanOut following = fanOut;
        int queued = store.insert(h, row(new Entry(tenantId, customerId, type, client, data)),
                following == null ? null : following.statement());
        if (queued > 0) {
            Database.afterCommit(h, following::queued);
        }
    }

    /** One event to record, as {@link #record(Handle, String, String, AuditType, ClientInfo, Map)} takes it. */
    public record Entry(String tenantId, String customerId, AuditType type, ClientInfo client, Map<String, ?> data) {
    }

    /** Records one event of those a caller gathers, in the caller's transaction. */
    public void record(Handle h, Entry entry) {
        record(h, entry.tenantId(), entry.customerId(), entry.type(), entry.client(), entry.data());
    }

    /**
     * Records many events in the caller's transaction, in the order given, as one batched insert (and one batch of
     * the fan-out) instead of a statement each: a change of many customers at once. Each event is stored and fanned
     * out exactly as {@link #record(Handle, String, String, AuditType, ClientInfo, Map)} stores it, timed as it is
     * reached.
     */
    public void recordAll(Handle h, List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        EventFanOut following = fanOut;
        int queued = store.insertAll(h, entries.stream().map(this::row).toList(),
                following == null ? null : following.statement());
        if (queued > 0) {
            Database.afterCommit(h, following::queued);
        }
    }

    private AuditStore.Row row(Entry entry) {
        String json;
        try {
            json = mapper.writeValueAsString(entry.data());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit data must be plain values", e);
        }
        if (json.length() > MAX_DATA_CHARS) {
            throw new IllegalArgumentException("audit data of " + entry.type().wire() + " is too large");
        }
        return new AuditStore.Row(entry.tenantId(), Secrets.id("evt"), entry.customerId(), entry.type(),
                entry.client(), json, now());
    }

    /** Newest first. */
    public Page<AuditEvent> list(String tenantId, AuditFilter filter, Cursor before, int limit) {
        List<AuditEvent> rows = db.read(h -> store.list(h, tenantId, filter, before, limit + 1));
        return Page.of(rows, limit, Listing.AUDIT, last -> new Cursor(last.createdAt(), last.id()));
    }

    /**
     * Every event about the customer, newest first, for the export of their data ({@link AuditEvent#asExported}); read
     * a page at a time as the export is written.
     */
    public Iterable<AuditEvent> allAbout(String tenantId, String customerId) {
        return Page.all(Listing.AUDIT, before -> list(tenantId, AuditFilter.about(customerId), before, Paging.MAX_LIMIT)
                .map(AuditEvent::asExported));
    }

    /**
     * Deletes a batch of the tenant's events recorded before {@code cutoff}; returns how many. In batches: a retention
     * just lowered, or a large tenant's first purge, meets millions of rows, which one statement would hold locked for
     * minutes, beyond the time a statement may wait for its answer.
     */
    public int purge(Handle h, String tenantId, Instant cutoff) {
        return store.deleteOlderThan(h, tenantId, cutoff, PURGE_BATCH);
    }

    /**
     * Part of erasing a customer: their events stay, under an id that no longer names anyone, but lose the IP address
     * and user agent they were recorded with. Those of events the merchant caused (a staff member, or the secret key)
     * are the merchant's, not the customer's, and stay: the audit log of the merchant's actions keeps who acted from
     * where.
     */
    public void erasePersonalData(Handle h, String tenantId, String customerId) {
        store.clearClientOf(h, tenantId, customerId);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
