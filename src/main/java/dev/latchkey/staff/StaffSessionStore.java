package dev.latchkey.staff;

import dev.latchkey.db.Database;
import dev.latchkey.http.ClientInfo;
import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.Optional;

/** SQL for staff sessions, found by the SHA-256 of their token only. */
final class StaffSessionStore {
    /**
     * A session row with the role its staff member has now and whether they have a second factor now;
     * {@code confirmedAt} null when never confirmed.
     */
    record Row(String tenantId, String id, String staffId, String kind, String role, boolean mfaEnabled,
               Instant lastUsedAt, Instant expiresAt, Long idleSeconds, Instant revokedAt, Instant confirmedAt) {
    }

    void insert(Handle h, String tokenHash, String tenantId, String id, String staffId, StaffSessionKind kind,
                ClientInfo client, Instant now) {
        h.createUpdate("INSERT INTO staff_sessions (token_hash, tenant_id, id, staff_id, kind, ip, user_agent, "
                        + "created_at, last_used_at, expires_at, idle_seconds) VALUES (:hash, :tenant, :id, :staff, "
                        + ":kind, :ip, :ua, :now, :now, :exp, :idle)")
                .bind("hash", tokenHash).bind("tenant", tenantId).bind("id", id).bind("staff", staffId)
                .bind("kind", kind.wire()).bind("ip", client.ip()).bind("ua", client.userAgent())
                .bind("now", Database.ts(now)).bind("exp", Database.ts(now.plus(kind.lifetime())))
                .bind("idle", kind.idleTimeout().toSeconds())
                .execute();
    }

    /** The session of this token hash; the join drops sessions whose staff member is gone. */
    Optional<Row> find(Handle h, String tokenHash) {
        return h.createQuery("SELECT s.tenant_id, s.id, s.staff_id, s.kind, s.last_used_at, s.expires_at, "
                        + "s.idle_seconds, s.revoked_at, s.confirmed_at, st.role, st.mfa_enabled_at "
                        + "FROM staff_sessions s JOIN staff st ON st.tenant_id = s.tenant_id AND st.id = s.staff_id "
                        + "WHERE s.token_hash = :hash")
                .bind("hash", tokenHash)
                .map((rs, ctx) -> new Row(rs.getString("tenant_id"), rs.getString("id"), rs.getString("staff_id"),
                        rs.getString("kind"), rs.getString("role"), rs.getObject("mfa_enabled_at") != null,
                        Database.instant(rs, "last_used_at"),
                        Database.instant(rs, "expires_at"), (Long) rs.getObject("idle_seconds", Long.class),
                        Database.instant(rs, "revoked_at"), Database.instant(rs, "confirmed_at")))
                .findOne();
    }

    void touch(Handle h, String tenantId, String tokenHash, Instant at) {
        h.createUpdate("UPDATE staff_sessions SET last_used_at = :at WHERE tenant_id = :tenant AND token_hash = :hash")
                .bind("at", Database.ts(at)).bind("tenant", tenantId).bind("hash", tokenHash).execute();
    }

    /** The staff member re-entered their password in the session of this token hash at {@code at}. */
    void confirm(Handle h, String tenantId, String tokenHash, Instant at) {
        h.createUpdate("UPDATE staff_sessions SET confirmed_at = :at WHERE tenant_id = :tenant AND token_hash = :hash "
                        + "AND revoked_at IS NULL")
                .bind("at", Database.ts(at)).bind("tenant", tenantId).bind("hash", tokenHash).execute();
    }

    /** Returns whether a live session was ended. */
    boolean revoke(Handle h, String tokenHash, Instant at) {
        return h.createUpdate("UPDATE staff_sessions SET revoked_at = :at WHERE token_hash = :hash AND revoked_at IS NULL")
                .bind("at", Database.ts(at)).bind("hash", tokenHash).execute() > 0;
    }

    /** Ends every live session of the staff member except the one of {@code keptHash} (none when null). */
    void revokeAllOf(Handle h, String tenantId, String staffId, String keptHash, Instant at) {
        h.createUpdate("UPDATE staff_sessions SET revoked_at = :at WHERE tenant_id = :tenant AND staff_id = :staff "
                        + "AND revoked_at IS NULL AND token_hash <> :kept")
                .bind("at", Database.ts(at)).bind("tenant", tenantId).bind("staff", staffId)
                .bind("kept", keptHash == null ? "" : keptHash)
                .execute();
    }

    void deleteAllOf(Handle h, String tenantId, String staffId) {
        h.createUpdate("DELETE FROM staff_sessions WHERE tenant_id = :tenant AND staff_id = :staff")
                .bind("tenant", tenantId).bind("staff", staffId).execute();
    }

    int deleteExpired(Handle h, String tenantId, Instant cutoff) {
        return h.createUpdate("DELETE FROM staff_sessions WHERE tenant_id = :tenant AND expires_at < :cutoff")
                .bind("tenant", tenantId).bind("cutoff", Database.ts(cutoff)).execute();
    }
}
