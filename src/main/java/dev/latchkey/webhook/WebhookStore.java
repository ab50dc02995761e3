package dev.latchkey.webhook;

import dev.latchkey.db.Database;
import dev.latchkey.http.Cursor;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** SQL for webhooks. Every statement names the tenant. */
final class WebhookStore {
    void insert(Handle h, Webhook webhook) {
        h.createUpdate("INSERT INTO webhooks (tenant_id, id, url, events, description, status, secret_version, "
                        + "consecutive_failures, created_at, updated_at) VALUES (:tenant, :id, :url, :events, "
                        + ":description, :status, :version, 0, :at, :at)")
                .bind("tenant", webhook.tenantId()).bind("id", webhook.id()).bind("url", webhook.url())
                .bind("events", Webhook.storedEvents(webhook.events())).bind("description", webhook.description())
                .bind("status", webhook.status().wire()).bind("version", webhook.secretVersion())
                .bind("at", Database.ts(webhook.createdAt()))
                .execute();
    }

    Optional<Webhook> find(Handle h, String tenantId, String id) {
        return h.createQuery("SELECT * FROM webhooks WHERE tenant_id = :tenant AND id = :id")
                .bind("tenant", tenantId).bind("id", id).map((rs, ctx) -> webhook(rs)).findOne();
    }

    /** The webhook, its row locked until the transaction ends: changes to one webhook happen one at a time. */
    Optional<Webhook> findForUpdate(Handle h, String tenantId, String id) {
        return h.createQuery("SELECT * FROM webhooks WHERE tenant_id = :tenant AND id = :id FOR UPDATE")
                .bind("tenant", tenantId).bind("id", id).map((rs, ctx) -> webhook(rs)).findOne();
    }

    /** Newest first. */
    List<Webhook> list(Handle h, String tenantId, Cursor before, int limit) {
        var query = h.createQuery("SELECT * FROM webhooks WHERE tenant_id = :tenant"
                        + (before == null ? "" : " AND (created_at, id) < (:at, :id)")
                        + " ORDER BY created_at DESC, id DESC LIMIT :limit")
                .bind("tenant", tenantId).bind("limit", limit);
        if (before != null) {
            query.bind("at", Database.ts(before.at())).bind("id", before.id());
        }
        return query.map((rs, ctx) -> webhook(rs)).list();
    }

    int count(Handle h, String tenantId) {
        return h.createQuery("SELECT COUNT(*) FROM webhooks WHERE tenant_id = :tenant")
                .bind("tenant", tenantId).mapTo(Integer.class).one();
    }

    /** Writes everything the merchant or the worker may change. */
    void update(Handle h, Webhook webhook) {
        h.createUpdate("UPDATE webhooks SET url = :url, events = :events, description = :description, "
                        + "status = :status, disabled_reason = :reason, secret_version = :version, "
                        + "previous_secret_version = :previousVersion, previous_secret_until = :previousUntil, "
                        + "consecutive_failures = :failures, updated_at = :at WHERE tenant_id = :tenant AND id = :id")
                .bind("url", webhook.url()).bind("events", Webhook.storedEvents(webhook.events()))
                .bind("description", webhook.description()).bind("status", webhook.status().wire())
                .bind("reason", webhook.disabledReason()).bind("version", webhook.secretVersion())
                .bind("previousVersion", webhook.previousSecretVersion())
                .bind("previousUntil", Database.ts(webhook.previousSecretUntil()))
                .bind("failures", webhook.consecutiveFailures()).bind("at", Database.ts(webhook.updatedAt()))
                .bind("tenant", webhook.tenantId()).bind("id", webhook.id())
                .execute();
    }

    boolean delete(Handle h, String tenantId, String id) {
        return h.createUpdate("DELETE FROM webhooks WHERE tenant_id = :tenant AND id = :id")
                .bind("tenant", tenantId).bind("id", id).execute() == 1;
    }

    /**
     * One more event given up on; answers how many in a row now. The update locks the row, so that the count read
     * after it is this transaction's, whichever node gave up on another event at the same time.
     */
    int countFailure(Handle h, String tenantId, String id) {
        h.createUpdate("UPDATE webhooks SET consecutive_failures = consecutive_failures + 1 "
                        + "WHERE tenant_id = :tenant AND id = :id")
                .bind("tenant", tenantId).bind("id", id).execute();
        return h.createQuery("SELECT consecutive_failures FROM webhooks WHERE tenant_id = :tenant AND id = :id")
                .bind("tenant", tenantId).bind("id", id).mapTo(Integer.class).findOne().orElse(0);
    }

    /** A delivery went through: the count starts again. Writes nothing where it is 0 already (nearly always). */
    void clearFailures(Handle h, String tenantId, String id) {
        h.createUpdate("UPDATE webhooks SET consecutive_failures = 0 WHERE tenant_id = :tenant AND id = :id "
                        + "AND consecutive_failures <> 0")
                .bind("tenant", tenantId).bind("id", id).execute();
    }

    private static Webhook webhook(ResultSet rs) throws SQLException {
        int previous = rs.getInt("previous_secret_version");
        Integer previousVersion = rs.wasNull() ? null : previous;
        return new Webhook(rs.getString("tenant_id"), rs.getString("id"), rs.getString("url"),
                Webhook.readEvents(rs.getString("events")), rs.getString("description"),
                Webhook.Status.fromWire(rs.getString("status")).orElseThrow(), rs.getString("disabled_reason"),
                rs.getInt("secret_version"), previousVersion, Database.instant(rs, "previous_secret_until"),
                rs.getInt("consecutive_failures"), Database.instant(rs, "created_at"),
                Database.instant(rs, "updated_at"));
    }
}
