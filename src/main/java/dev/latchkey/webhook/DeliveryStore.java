package dev.latchkey.webhook;

import dev.latchkey.db.Database;
import dev.latchkey.db.HeldTenants;
import dev.latchkey.http.Cursor;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Update;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * SQL for webhook deliveries. Changing one names its tenant; finding due deliveries is deliberately global, because one
 * worker per node serves every tenant. A delivery's outcome is written only while it is still pending: the merchant may
 * have disabled its webhook (which fails what waits) while it was on its way.
 */
final class DeliveryStore implements HeldTenants.Queue {
    private static final String KEY = " WHERE tenant_id = :tenant AND webhook_id = :webhook AND event_id = :event";
    private static final String STILL_PENDING = KEY + " AND status = '" + Delivery.PENDING + "'";
    /** A delivery done with keeps no copy of its event: the audit log's retention alone decides how long one lives. */
    private static final String DROP_EVENT = "customer_id = NULL, data = NULL";

    /**
     * Due deliveries of every tenant that no worker holds right now, oldest due first, but those of the webhooks in
     * {@code sending} ({@code tenant id/webhook id}), whose thread of this node sends them in order already.
     */
    List<Delivery.Due> due(Handle h, Instant now, int limit, Set<String> sending) {
        var query = h.createQuery("SELECT tenant_id, webhook_id, event_id, attempts FROM webhook_deliveries "
                        + "WHERE status = :status AND next_attempt_at <= :now "
                        + "AND (leased_until IS NULL OR leased_until <= :now) "
                        + (sending.isEmpty() ? "" : "AND tenant_id || '/' || webhook_id NOT IN (<sending>) ")
                        + "ORDER BY next_attempt_at, created_at LIMIT :limit")
                .bind("status", Delivery.PENDING).bind("now", Database.ts(now)).bind("limit", limit);
        if (!sending.isEmpty()) {
            query.bindList("sending", List.copyOf(sending));
        }
        return query
                .map((rs, ctx) -> new Delivery.Due(new Delivery.Key(rs.getString("tenant_id"),
                        rs.getString("webhook_id"), rs.getString("event_id")), rs.getInt("attempts")))
                .list();
    }

    /** Takes a delivery for one attempt; only one worker of any node wins. */
    boolean lease(Handle h, Delivery.Key key, Instant now, Instant until) {
        return bind(h.createUpdate("UPDATE webhook_deliveries SET leased_until = :until" + STILL_PENDING
                        + " AND (leased_until IS NULL OR leased_until <= :now)"), key)
                .bind("until", Database.ts(until)).bind("now", Database.ts(now))
                .execute() == 1;
    }

    /** The event a delivery still waiting to go out sends, as it was queued. */
    Delivery.Event event(Handle h, Delivery.Key key) {
        return h.createQuery("SELECT event_type, created_at, customer_id, data FROM webhook_deliveries" + KEY)
                .bind("tenant", key.tenantId()).bind("webhook", key.webhookId()).bind("event", key.eventId())
                .map((rs, ctx) -> new Delivery.Event(key.eventId(), rs.getString("event_type"),
                        Database.instant(rs, "created_at"), rs.getString("customer_id"), rs.getString("data")))
                .one();
    }

    /** Delivered, whatever happened to it meanwhile: it did arrive. */
    void markDelivered(Handle h, Delivery.Key key, int attempts, int statusCode, Instant at) {
        bind(h.createUpdate("UPDATE webhook_deliveries SET status = :status, attempts = :attempts, "
                        + "last_status_code = :code, last_error = NULL, leased_until = NULL, delivered_at = :at, "
                        + DROP_EVENT + KEY),
                key)
                .bind("status", Delivery.DELIVERED).bind("attempts", attempts).bind("code", statusCode)
                .bind("at", Database.ts(at))
                .execute();
    }

    /** Another attempt at {@code next}; false when the delivery is no longer pending. */
    boolean reschedule(Handle h, Delivery.Key key, int attempts, Integer statusCode, String error, Instant next) {
        return bind(h.createUpdate("UPDATE webhook_deliveries SET attempts = :attempts, last_status_code = :code, "
                        + "last_error = :error, next_attempt_at = :next, leased_until = NULL" + STILL_PENDING), key)
                .bind("attempts", attempts).bind("code", statusCode).bind("error", error)
                .bind("next", Database.ts(next))
                .execute() == 1;
    }

    /**
     * Holds every pending delivery of a suspended tenant, leased ones too (one on its way elsewhere is then sent again
     * after the reactivation: at least once): held rows leave the due index's range, so they cost the worker nothing
     * however many there are. Returns how many.
     */
    int holdAll(Handle h, String tenantId) {
        return h.createUpdate("UPDATE webhook_deliveries SET status = :held, leased_until = NULL "
                        + "WHERE tenant_id = :tenant AND status = :pending")
                .bind("held", Delivery.HELD).bind("pending", Delivery.PENDING).bind("tenant", tenantId)
                .execute();
    }

    /** Sets the tenant's held deliveries pending again, due as they were. Returns how many. */
    @Override
    public int release(Handle h, String tenantId) {
        return h.createUpdate("UPDATE webhook_deliveries SET status = :pending WHERE tenant_id = :tenant "
                        + "AND status = :held")
                .bind("held", Delivery.HELD).bind("pending", Delivery.PENDING).bind("tenant", tenantId)
                .execute();
    }

    /** The first tenant after {@code after} (from the start when null) with held deliveries: one index probe. */
    @Override
    public Optional<String> nextHeld(Handle h, String after) {
        var query = h.createQuery("SELECT tenant_id FROM webhook_deliveries WHERE status = :held"
                        + (after == null ? "" : " AND tenant_id > :after") + " ORDER BY tenant_id LIMIT 1")
                .bind("held", Delivery.HELD);
        if (after != null) {
            query.bind("after", after);
        }
        return query.mapTo(String.class).findOne();
    }

    /** Given up on; false when it was no longer pending (so not given up on now). */
    boolean markFailed(Handle h, Delivery.Key key, int attempts, Integer statusCode, String error) {
        return bind(h.createUpdate("UPDATE webhook_deliveries SET status = :status, attempts = :attempts, "
                        + "last_status_code = :code, last_error = :error, leased_until = NULL, " + DROP_EVENT
                        + STILL_PENDING), key)
                .bind("status", Delivery.FAILED).bind("attempts", attempts).bind("code", statusCode)
                .bind("error", error)
                .execute() == 1;
    }

    /** Every delivery of the webhook still waiting is given up on, with {@code reason}. */
    void failPending(Handle h, String tenantId, String webhookId, String reason) {
        h.createUpdate("UPDATE webhook_deliveries SET status = :failed, last_error = :reason, leased_until = NULL, "
                        + DROP_EVENT + " WHERE tenant_id = :tenant AND webhook_id = :webhook AND status = :pending")
                .bind("failed", Delivery.FAILED).bind("reason", reason).bind("pending", Delivery.PENDING)
                .bind("tenant", tenantId).bind("webhook", webhookId)
                .execute();
    }

    void deleteOf(Handle h, String tenantId, String webhookId) {
        h.createUpdate("DELETE FROM webhook_deliveries WHERE tenant_id = :tenant AND webhook_id = :webhook")
                .bind("tenant", tenantId).bind("webhook", webhookId)
                .execute();
    }

    /**
     * The webhook's deliveries, newest event first: the order names every column of the descending index, so that H2
     * walks it (see V34).
     */
    List<Delivery> list(Handle h, String tenantId, String webhookId, Cursor before, int limit) {
        var query = h.createQuery("SELECT * FROM webhook_deliveries WHERE tenant_id = :tenant AND webhook_id = :webhook"
                        + (before == null ? "" : " AND (created_at, event_id) < (:at, :id)")
                        + " ORDER BY tenant_id DESC, webhook_id DESC, created_at DESC, event_id DESC LIMIT :limit")
                .bind("tenant", tenantId).bind("webhook", webhookId).bind("limit", limit);
        if (before != null) {
            query.bind("at", Database.ts(before.at())).bind("id", before.id());
        }
        return query.map((rs, ctx) -> {
            String status = rs.getString("status");
            int code = rs.getInt("last_status_code");
            Integer lastStatusCode = rs.wasNull() ? null : code;
            return new Delivery(rs.getString("event_id"), rs.getString("event_type"), status, rs.getInt("attempts"),
                    lastStatusCode, rs.getString("last_error"),
                    Delivery.PENDING.equals(status) ? Database.instant(rs, "next_attempt_at") : null,
                    Database.instant(rs, "delivered_at"), Database.instant(rs, "created_at"));
        }).list();
    }

    /**
     * Deletes up to {@code batch} of the tenant's deliveries, delivered or given up on, of events recorded before
     * {@code cutoff}; answers how many.
     */
    int purge(Handle h, String tenantId, Instant cutoff, int batch) {
        List<Delivery.Key> keys = h.createQuery("SELECT webhook_id, event_id FROM webhook_deliveries "
                        + "WHERE tenant_id = :tenant AND created_at < :cutoff AND status <> :pending "
                        + "ORDER BY created_at LIMIT :batch")
                .bind("tenant", tenantId).bind("cutoff", Database.ts(cutoff)).bind("pending", Delivery.PENDING)
                .bind("batch", batch)
                .map((rs, ctx) -> new Delivery.Key(tenantId, rs.getString("webhook_id"), rs.getString("event_id")))
                .list();
        if (keys.isEmpty()) {
            return 0;
        }
        PreparedBatch delete = h.prepareBatch("DELETE FROM webhook_deliveries" + KEY);
        keys.forEach(key -> delete.bind("tenant", key.tenantId()).bind("webhook", key.webhookId())
                .bind("event", key.eventId()).add());
        return Arrays.stream(delete.execute()).sum();
    }

    private static Update bind(Update update, Delivery.Key key) {
        return update.bind("tenant", key.tenantId()).bind("webhook", key.webhookId()).bind("event", key.eventId());
    }
}
