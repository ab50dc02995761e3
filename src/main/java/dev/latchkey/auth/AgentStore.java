package dev.latchkey.auth;

import dev.latchkey.db.Database;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SQL for reading agents' grants: sessions of kind {@code agent} (see V36), found through the customer's sessions.
 * Issuing one is {@link TokenStore}'s, ending one the session's revocation.
 */
final class AgentStore {
    private static final String AGENT = " AND kind = 'agent'";
    private static final String OWN = "tenant_id = :tenant AND customer_id = :customer" + AGENT;
    private static final String LIVE = SessionStore.LIVE;

    /** The customer's live grants, newest first, after the page's cursor when it has one. */
    List<AgentGrant> live(Handle h, String tenantId, String customerId, SessionStore.Slice page) {
        return SessionStore.livePage(h, AGENT, tenantId, customerId, page, (rs, ctx) -> grant(rs));
    }

    /** How many live grants the customer has; under the customer row's lock, so that none is added meanwhile. */
    int countLive(Handle h, String tenantId, String customerId, Instant now, Instant bornAfter) {
        return h.createQuery("SELECT COUNT(*) FROM sessions WHERE " + OWN + LIVE)
                .bind("tenant", tenantId).bind("customer", customerId).bind("now", Database.ts(now))
                .bind("bornAfter", Database.ts(bornAfter)).mapTo(Integer.class).one();
    }

    /** The session of the customer's live grant with this id, if there is one. */
    Optional<String> liveSessionOf(Handle h, String tenantId, String customerId, String agentId, Instant now,
                                   Instant bornAfter) {
        return h.createQuery("SELECT id FROM sessions WHERE " + OWN + " AND agent_id = :agent" + LIVE)
                .bind("tenant", tenantId).bind("customer", customerId).bind("agent", agentId)
                .bind("now", Database.ts(now)).bind("bornAfter", Database.ts(bornAfter))
                .mapTo(String.class).findOne();
    }

    /**
     * The customer's grants not revoked and not expired, oldest first, as agent id and session id: those a
     * {@code session_max_lifetime} lowered since ends for now too, as raising it again would bring them back.
     */
    List<Map.Entry<String, String>> unrevoked(Handle h, String tenantId, String customerId, Instant now) {
        return h.createQuery("SELECT agent_id, id FROM sessions WHERE " + OWN
                        + " AND revoked_at IS NULL AND expires_at > :now ORDER BY created_at, id")
                .bind("tenant", tenantId).bind("customer", customerId).bind("now", Database.ts(now))
                .map((rs, ctx) -> Map.entry(rs.getString("agent_id"), rs.getString("id"))).list();
    }

    /** Every grant held about the customer, ended ones included, newest first. */
    List<AgentGrant.Held> all(Handle h, String tenantId, String customerId) {
        return h.createQuery("SELECT * FROM sessions WHERE " + OWN + " ORDER BY created_at DESC, id DESC")
                .bind("tenant", tenantId).bind("customer", customerId)
                .map((rs, ctx) -> new AgentGrant.Held(rs.getString("agent_id"), rs.getString("agent_name"),
                        scope(rs), rs.getString("id"), Database.instant(rs, "created_at"),
                        Database.instant(rs, "expires_at"), Database.instant(rs, "revoked_at")))
                .list();
    }

    private static AgentGrant grant(ResultSet rs) throws SQLException {
        return new AgentGrant(rs.getString("agent_id"), rs.getString("agent_name"), scope(rs), rs.getString("id"),
                Database.instant(rs, "created_at"), Database.instant(rs, "last_used_at"),
                Database.instant(rs, "expires_at"));
    }

    private static List<String> scope(ResultSet rs) throws SQLException {
        return AgentScope.wire(AgentScope.ofStored(rs.getString("scope")));
    }
}
