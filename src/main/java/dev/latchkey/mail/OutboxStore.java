package dev.latchkey.mail;

import dev.latchkey.db.Database;
import dev.latchkey.db.HeldTenants;
import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SQL for the mail outbox. Writing and changing one mail names its tenant; finding due mail, finding the tenants whose
 * mail is held and purging old mail are deliberately global, because one worker per node serves every tenant.
 */
public final class OutboxStore implements HeldTenants.Queue {
    static final String PENDING = "pending";
    static final String SENT = "sent";
    static final String FAILED = "failed";
    /** A suspended tenant's mail: neither sent nor given up until the tenant is active again. */
    static final String HELD = "held";
    /** The sizes of {@code mail_outbox.text_body} and {@code html_body}, in characters. */
    private static final int MAX_TEXT = 65_536;
    private static final int MAX_HTML = 262_144;

    /** A mail as the customer's data export shows it: to whom, what and when, without its body (it may name a token). */
    public record Written(String id, String to, String template, String subject, String status, Instant createdAt,
                          Instant sentAt) {
    }

    /**
     * A mail waiting in the outbox, how often sending it failed so far, and when the token it carries expires (null
     * when it carries none, or was queued before that was recorded).
     */
    public record Queued(OutgoingMail mail, int attempts, Instant secretExpiresAt) {
    }

    /** Whether a rendered message's parts fit the outbox's columns. */
    static boolean fits(String text, String html) {
        return text.length() <= MAX_TEXT && html.length() <= MAX_HTML;
    }

    public void insert(Handle h, OutgoingMail mail, String customerId, String language, Instant at,
                       Instant secretExpiresAt) {
        h.createUpdate("INSERT INTO mail_outbox (tenant_id, id, customer_id, recipient, template, language, subject, "
                        + "text_body, html_body, secret, secret_expires_at, status, attempts, next_attempt_at, created_at) "
                        + "VALUES (:tenant, :id, :customer, :recipient, :template, :language, :subject, :text, :html, "
                        + ":secret, :expires, :status, 0, :at, :at)")
                .bind("tenant", mail.tenantId()).bind("id", mail.id()).bind("customer", customerId)
                .bind("recipient", mail.recipient())
                .bind("template", mail.template()).bind("language", language).bind("subject", mail.subject())
                .bind("text", mail.text()).bind("html", mail.html()).bind("secret", mail.secret())
                .bind("expires", secretExpiresAt == null ? null : Database.ts(secretExpiresAt)).bind("status", PENDING).bind("at", Database.ts(at))
                .execute();
    }

    /** Due mail of every tenant, oldest due first, that no worker holds right now. */
    public List<Queued> due(Handle h, Instant now, int limit) {
        return h.createQuery("SELECT * FROM mail_outbox WHERE status = :status AND next_attempt_at <= :now "
                        + "AND (leased_until IS NULL OR leased_until <= :now) ORDER BY next_attempt_at LIMIT :limit")
                .bind("status", PENDING).bind("now", Database.ts(now)).bind("limit", limit)
                .map((rs, ctx) -> new Queued(new OutgoingMail(rs.getString("tenant_id"), rs.getString("id"),
                        rs.getString("recipient"), rs.getString("template"), rs.getString("subject"),
                        rs.getString("text_body"), rs.getString("html_body"), rs.getString("secret")),
                        rs.getInt("attempts"), Database.instant(rs, "secret_expires_at")))
                .list();
    }

    /** Takes a mail for one send; only one worker of any node wins. Returns rows changed. */
    public int lease(Handle h, String tenantId, String id, Instant now, Instant until) {
        return h.createUpdate("UPDATE mail_outbox SET leased_until = :until WHERE tenant_id = :tenant AND id = :id "
                        + "AND status = :status AND (leased_until IS NULL OR leased_until <= :now)")
                .bind("until", Database.ts(until)).bind("tenant", tenantId).bind("id", id)
                .bind("status", PENDING).bind("now", Database.ts(now))
                .execute();
    }

    /** Lets go of a mail's lease without counting an attempt: it is due again at once. */
    public void releaseLease(Handle h, String tenantId, String id) {
        h.createUpdate("UPDATE mail_outbox SET leased_until = NULL WHERE tenant_id = :tenant AND id = :id")
                .bind("tenant", tenantId).bind("id", id)
                .execute();
    }

    /**
     * Holds the tenant's pending mail that no worker is sending right now (one being sent is recorded as its send
     * ends, and held when it is due again). Returns rows held.
     */
    public int hold(Handle h, String tenantId, Instant now) {
        return h.createUpdate("UPDATE mail_outbox SET status = :held WHERE status = :pending AND tenant_id = :tenant "
                        + "AND (leased_until IS NULL OR leased_until <= :now)")
                .bind("held", HELD).bind("pending", PENDING).bind("tenant", tenantId).bind("now", Database.ts(now))
                .execute();
    }

    /** Sets the tenant's held mail pending again, due as it was. Returns rows released. */
    @Override
    public int release(Handle h, String tenantId) {
        return h.createUpdate("UPDATE mail_outbox SET status = :pending WHERE status = :held AND tenant_id = :tenant")
                .bind("pending", PENDING).bind("held", HELD).bind("tenant", tenantId)
                .execute();
    }

    /**
     * The first tenant, in id order after {@code after} (from the start when null), that has held mail: one index
     * probe, so finding the few tenants with held mail costs a probe each, however much of it there is.
     */
    @Override
    public Optional<String> nextHeld(Handle h, String after) {
        var query = h.createQuery("SELECT tenant_id FROM mail_outbox WHERE status = :held"
                        + (after == null ? "" : " AND tenant_id > :after") + " ORDER BY tenant_id LIMIT 1")
                .bind("held", HELD);
        if (after != null) {
            query.bind("after", after);
        }
        return query.mapTo(String.class).findOne();
    }

    /** Sent: the token is erased, the rest stays as a record of what went out. */
    public void markSent(Handle h, String tenantId, String id, int attempts, Instant at) {
        h.createUpdate("UPDATE mail_outbox SET status = :status, secret = NULL, leased_until = NULL, "
                        + "attempts = :attempts, sent_at = :at, last_error = NULL WHERE tenant_id = :tenant AND id = :id")
                .bind("status", SENT).bind("attempts", attempts).bind("at", Database.ts(at))
                .bind("tenant", tenantId).bind("id", id)
                .execute();
    }

    public void reschedule(Handle h, String tenantId, String id, int attempts, Instant next, String error) {
        h.createUpdate("UPDATE mail_outbox SET attempts = :attempts, next_attempt_at = :next, leased_until = NULL, "
                        + "last_error = :error WHERE tenant_id = :tenant AND id = :id")
                .bind("attempts", attempts).bind("next", Database.ts(next)).bind("error", error)
                .bind("tenant", tenantId).bind("id", id)
                .execute();
    }

    /**
     * Given up: the row stays (an operator can set it back to pending), but its token is erased; the shopper asks for a
     * new one.
     */
    public void markFailed(Handle h, String tenantId, String id, int attempts, String error) {
        h.createUpdate("UPDATE mail_outbox SET status = :status, secret = NULL, attempts = :attempts, "
                        + "leased_until = NULL, last_error = :error WHERE tenant_id = :tenant AND id = :id")
                .bind("status", FAILED).bind("attempts", attempts).bind("error", error)
                .bind("tenant", tenantId).bind("id", id)
                .execute();
    }

    /** Every message written for this customer, queued, sent or given up, oldest first. */
    public List<Written> writtenFor(Handle h, String tenantId, String customerId) {
        return h.createQuery("SELECT id, recipient, template, subject, status, created_at, sent_at FROM mail_outbox "
                        + "WHERE tenant_id = :tenant AND customer_id = :customer ORDER BY created_at, id")
                .bind("tenant", tenantId).bind("customer", customerId)
                .map((rs, ctx) -> new Written(rs.getString("id"), rs.getString("recipient"), rs.getString("template"),
                        rs.getString("subject"), rs.getString("status"), Database.instant(rs, "created_at"),
                        Database.instant(rs, "sent_at")))
                .list();
    }

    /** Forgets every message written for this customer, whatever its status (an erased customer's mail). */
    void deleteOf(Handle h, String tenantId, String customerId) {
        h.createUpdate("DELETE FROM mail_outbox WHERE tenant_id = :tenant AND customer_id = :customer")
                .bind("tenant", tenantId).bind("customer", customerId)
                .execute();
    }

    /**
     * Forgets, across tenants, up to {@code batch} of the mail sent before {@code sentBefore} and of the mail given up
     * on that was written before {@code failedBefore}. Returns rows deleted. Each kind is found along the status and
     * creation index (mail is sent after it is written, so what was sent before a time was written before it too): one
     * condition for both, with an OR, read the whole outbox on the last batch of every purge, the one that finds
     * nothing.
     */
    public int purge(Handle h, Instant sentBefore, Instant failedBefore, int batch) {
        List<Map.Entry<String, String>> rows = new ArrayList<>(h.createQuery("SELECT tenant_id, id FROM mail_outbox "
                        + "WHERE status = :sent AND created_at < :before AND sent_at < :before LIMIT :batch")
                .bind("sent", SENT).bind("before", Database.ts(sentBefore)).bind("batch", batch)
                .map((rs, ctx) -> Map.entry(rs.getString("tenant_id"), rs.getString("id"))).list());
        if (rows.size() < batch) {
            rows.addAll(h.createQuery("SELECT tenant_id, id FROM mail_outbox "
                            + "WHERE status = :failed AND created_at < :before LIMIT :batch")
                    .bind("failed", FAILED).bind("before", Database.ts(failedBefore)).bind("batch", batch - rows.size())
                    .map((rs, ctx) -> Map.entry(rs.getString("tenant_id"), rs.getString("id"))).list());
        }
        Map<String, List<String>> idsByTenant = new HashMap<>();
        rows.forEach(row -> idsByTenant.computeIfAbsent(row.getKey(), tenant -> new ArrayList<>()).add(row.getValue()));
        int deleted = 0;
        for (var tenant : idsByTenant.entrySet()) {
            deleted += h.createUpdate("DELETE FROM mail_outbox WHERE tenant_id = :tenant AND id IN (<ids>)")
                    .bind("tenant", tenant.getKey()).bindList("ids", tenant.getValue()).execute();
        }
        return deleted;
    }
}
