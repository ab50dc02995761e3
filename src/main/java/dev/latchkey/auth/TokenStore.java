package dev.latchkey.auth;

import dev.latchkey.db.Database;
import dev.latchkey.http.ClientInfo;
import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** SQL for sessions and their tokens. Tokens are found by their SHA-256 only. */
final class TokenStore {
    static final String ACCESS = "access";
    static final String REFRESH = "refresh";

    void insertSession(Handle h, String tenantId, String sessionId, SessionKind kind, String customerId,
                       ClientInfo client, Instant now, Instant expiresAt, String accessHash) {
        h.createUpdate("INSERT INTO sessions (tenant_id, id, customer_id, kind, ip, user_agent, created_at, "
                        + "last_used_at, expires_at, access_hash) "
                        + "VALUES (:tenant, :id, :customer, :kind, :ip, :ua, :now, :now, :exp, :access)")
                .bind("tenant", tenantId).bind("id", sessionId).bind("customer", customerId).bind("access", accessHash)
                .bind("kind", kind.wire()).bind("ip", client.ip()).bind("ua", client.userAgent())
                .bind("now", Database.ts(now)).bind("exp", Database.ts(expiresAt))
                .execute();
    }

    /** Both tokens of a new pair, in one statement. */
    void insertPair(Handle h, String tenantId, String sessionId, Instant now, TokenService.Pair pair) {
        h.createUpdate("INSERT INTO tokens (token_hash, tenant_id, session_id, kind, created_at, expires_at) "
                        + "VALUES (:access, :tenant, :session, :accessKind, :now, :accessExp), "
                        + "(:refresh, :tenant, :session, :refreshKind, :now, :refreshExp)")
                .bind("access", pair.accessHash()).bind("refresh", pair.refreshHash())
                .bind("tenant", tenantId).bind("session", sessionId)
                .bind("accessKind", ACCESS).bind("refreshKind", REFRESH).bind("now", Database.ts(now))
                .bind("accessExp", Database.ts(pair.accessExpiry())).bind("refreshExp", Database.ts(pair.refreshExpiry()))
                .execute();
    }

    /**
     * The token and its session. The tenant is compared here rather than in SQL: given the tenant as a parameter,
     * PostgreSQL's generic plan for this prepared statement may walk every session of the tenant and probe each for
     * the token, a cost that grows with the tenant's sessions; looked up by hash alone it is two primary-key probes.
     */
    Optional<StoredToken> find(Handle h, String tenantId, String tokenHash) {
        return h.createQuery("SELECT t.token_hash, t.tenant_id, t.session_id, t.kind, t.expires_at, t.used_at, "
                        + "t.revoked_at, s.kind AS session_kind, s.customer_id, s.revoked_at AS session_revoked_at, "
                        + "s.access_hash AS session_access_hash, c.email "
                        + "FROM tokens t JOIN sessions s ON s.tenant_id = t.tenant_id AND s.id = t.session_id "
                        + "LEFT JOIN customers c ON c.tenant_id = s.tenant_id AND c.id = s.customer_id "
                        + "WHERE t.token_hash = :hash")
                .bind("hash", tokenHash)
                .map((rs, ctx) -> new StoredToken(rs.getString("token_hash"), rs.getString("tenant_id"),
                        rs.getString("session_id"), rs.getString("kind"), Database.instant(rs, "expires_at"),
                        Database.instant(rs, "used_at"), Database.instant(rs, "revoked_at"),
                        SessionKind.fromWire(rs.getString("session_kind")), rs.getString("customer_id"),
                        rs.getString("email"), Database.instant(rs, "session_revoked_at"),
                        rs.getString("session_access_hash")))
                .findOne()
                .filter(token -> token.tenantId().equals(tenantId));
    }

    /** Marks a refresh token used; only one of two concurrent callers gets 1 back. */
    int markUsed(Handle h, String tokenHash, Instant now) {
        return h.createUpdate("UPDATE tokens SET used_at = :now WHERE token_hash = :hash AND used_at IS NULL")
                .bind("now", Database.ts(now)).bind("hash", tokenHash).execute();
    }

    void revokeToken(Handle h, String tokenHash, Instant now) {
        h.createUpdate("UPDATE tokens SET revoked_at = :now WHERE token_hash = :hash AND revoked_at IS NULL")
                .bind("now", Database.ts(now)).bind("hash", tokenHash).execute();
    }

    void revokeTokensOfSession(Handle h, String tenantId, String sessionId, String kind, Instant now) {
        h.createUpdate("UPDATE tokens SET revoked_at = :now WHERE tenant_id = :tenant AND session_id = :session "
                        + "AND kind = :kind AND revoked_at IS NULL")
                .bind("now", Database.ts(now)).bind("tenant", tenantId).bind("session", sessionId).bind("kind", kind)
                .execute();
    }

    void revokeSession(Handle h, String tenantId, String sessionId, Instant now) {
        h.createUpdate("UPDATE sessions SET revoked_at = :now WHERE tenant_id = :tenant AND id = :id AND revoked_at IS NULL")
                .bind("now", Database.ts(now)).bind("tenant", tenantId).bind("id", sessionId).execute();
        h.createUpdate("UPDATE tokens SET revoked_at = :now WHERE tenant_id = :tenant AND session_id = :session "
                        + "AND revoked_at IS NULL")
                .bind("now", Database.ts(now)).bind("tenant", tenantId).bind("session", sessionId).execute();
    }

    List<String> liveSessionIds(Handle h, String tenantId, String customerId) {
        return h.createQuery("SELECT id FROM sessions WHERE tenant_id = :tenant AND customer_id = :customer "
                        + "AND revoked_at IS NULL")
                .bind("tenant", tenantId).bind("customer", customerId)
                .mapTo(String.class).list();
    }

    /** Points the session at its new access token (the only one it accepts) and moves its expiry. */
    void moveSessionTo(Handle h, String tenantId, String sessionId, String accessHash, Instant expiresAt) {
        h.createUpdate("UPDATE sessions SET access_hash = :access, expires_at = :exp WHERE tenant_id = :tenant AND id = :id")
                .bind("access", accessHash).bind("exp", Database.ts(expiresAt))
                .bind("tenant", tenantId).bind("id", sessionId).execute();
    }

    void touchSession(Handle h, String tenantId, String sessionId, Instant at) {
        h.createUpdate("UPDATE sessions SET last_used_at = :at WHERE tenant_id = :tenant AND id = :id")
                .bind("at", Database.ts(at)).bind("tenant", tenantId).bind("id", sessionId).execute();
    }
}
