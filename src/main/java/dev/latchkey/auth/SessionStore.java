package dev.latchkey.auth;

import dev.latchkey.db.Database;
import dev.latchkey.http.Cursor;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** SQL for reading and erasing a customer's sessions; issuing and revoking them is {@link TokenStore}'s. */
final class SessionStore {
    private static final String OWNER = "tenant_id = :tenant AND customer_id = :customer";
    /**
     * The guest sessions whose carts the customer claimed (at registration or login): their address and device were
     * the customer's, so they are the customer's data as much as the customer's own sessions.
     */
    private static final String GUEST_OF_CLAIMED_CARTS = "tenant_id = :tenant AND customer_id IS NULL AND id IN "
            + "(SELECT session_id FROM carts WHERE tenant_id = :tenant AND customer_id = :customer "
            + "AND session_id IS NOT NULL)";
    /** Not ended, not expired, and started after {@code :bornAfter} (the tenant's {@code session_max_lifetime} ago). */
    static final String LIVE = " AND revoked_at IS NULL AND expires_at > :now AND created_at > :bornAfter";

    /** Live sessions, newest first, after {@code after} when given. */
    List<SessionRecord> live(Handle h, String tenantId, String customerId, Instant now, Instant bornAfter,
                             Cursor after, int limit) {
        return livePage(h, "", tenantId, customerId, new Slice(now, bornAfter, after, limit),
                (rs, ctx) -> session(rs));
    }

    /**
     * A page of live sessions: the time it is read at, the oldest start that still counts, the cursor it follows (may
     * be null) and how many rows it reads.
     */
    record Slice(Instant now, Instant bornAfter, Cursor after, int limit) {
    }

    /**
     * The customer's live sessions that also meet {@code condition} (SQL on the sessions' columns, or empty), newest
     * first, each as {@code mapper} reads it.
     */
    static <T> List<T> livePage(Handle h, String condition, String tenantId, String customerId, Slice page,
                                RowMapper<T> mapper) {
        String from = page.after() == null ? "" : " AND (created_at, id) < (:at, :after)";
        var query = h.createQuery("SELECT * FROM sessions WHERE " + OWNER + condition + LIVE + from
                        + " ORDER BY created_at DESC, id DESC LIMIT :limit")
                .bind("tenant", tenantId).bind("customer", customerId).bind("now", Database.ts(page.now()))
                .bind("bornAfter", Database.ts(page.bornAfter())).bind("limit", page.limit());
        if (page.after() != null) {
            query.bind("at", Database.ts(page.after().at())).bind("after", page.after().id());
        }
        return query.map(mapper).list();
    }

    /** Every session row of the customer, ended ones and claimed guest ones too, newest first. */
    List<SessionRecord> all(Handle h, String tenantId, String customerId) {
        return h.createQuery("SELECT * FROM sessions WHERE " + OWNER + " UNION ALL SELECT * FROM sessions WHERE "
                        + GUEST_OF_CLAIMED_CARTS + " ORDER BY created_at DESC, id DESC")
                .bind("tenant", tenantId).bind("customer", customerId)
                .map((rs, ctx) -> session(rs)).list();
    }

    boolean isLive(Handle h, String tenantId, String customerId, String sessionId, Instant now, Instant bornAfter) {
        return h.createQuery("SELECT COUNT(*) FROM sessions WHERE " + OWNER + " AND id = :id" + LIVE)
                .bind("tenant", tenantId).bind("customer", customerId).bind("id", sessionId)
                .bind("now", Database.ts(now)).bind("bornAfter", Database.ts(bornAfter))
                .mapTo(Integer.class).one() > 0;
    }

    /** The ids of every session row of the customer, ended ones too. */
    List<String> ids(Handle h, String tenantId, String customerId) {
        return idsWhere(h, tenantId, customerId, OWNER);
    }

    /** The ids of the guest sessions whose carts the customer claimed. */
    List<String> claimedGuestIds(Handle h, String tenantId, String customerId) {
        return idsWhere(h, tenantId, customerId, GUEST_OF_CLAIMED_CARTS);
    }

    private static List<String> idsWhere(Handle h, String tenantId, String customerId, String condition) {
        return h.createQuery("SELECT id FROM sessions WHERE " + condition)
                .bind("tenant", tenantId).bind("customer", customerId).mapTo(String.class).list();
    }

    /** Removes every token these sessions hold (at most a few hundred ids a call). */
    void deletePairs(Handle h, String tenantId, List<String> sessionIds) {
        h.createUpdate("DELETE FROM token_pairs WHERE tenant_id = :tenant AND session_id IN (<ids>)")
                .bind("tenant", tenantId).bindList("ids", sessionIds).execute();
    }

    /** Removes these sessions (at most a few hundred ids a call). */
    void deleteSessions(Handle h, String tenantId, List<String> sessionIds) {
        h.createUpdate("DELETE FROM sessions WHERE tenant_id = :tenant AND id IN (<ids>)")
                .bind("tenant", tenantId).bindList("ids", sessionIds).execute();
    }

    /** Removes the customer's sessions. */
    void deleteSessions(Handle h, String tenantId, String customerId) {
        h.createUpdate("DELETE FROM sessions WHERE " + OWNER)
                .bind("tenant", tenantId).bind("customer", customerId).execute();
    }

    private static SessionRecord session(ResultSet rs) throws SQLException {
        return new SessionRecord(rs.getString("id"), rs.getString("kind"), Database.instant(rs, "created_at"),
                Database.instant(rs, "last_used_at"), Database.instant(rs, "expires_at"),
                Database.instant(rs, "revoked_at"), rs.getString("ip"), rs.getString("user_agent"),
                rs.getString("impersonated_by"));
    }
}
