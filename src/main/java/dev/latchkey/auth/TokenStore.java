package dev.latchkey.auth;

import dev.latchkey.customer.CustomerStore;
import dev.latchkey.customer.CustomerWithCart;
import dev.latchkey.db.Database;
import dev.latchkey.http.ClientInfo;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Update;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** SQL for sessions and their tokens. Tokens are found by their SHA-256 only. */
final class TokenStore {
    static final String ACCESS = "access";
    static final String REFRESH = "refresh";

    private static final String INSERT_SESSION = "INSERT INTO sessions (tenant_id, id, customer_id, kind, ip, "
            + "user_agent, created_at, last_used_at, expires_at) "
            + "VALUES (:tenant, :session, :customer, :sessionKind, :ip, :ua, :now, :now, :sessionExp)";
    /** Each row names its partner, so that using or retiring one token can retire the other and nothing more. */
    private static final String INSERT_PAIR = "INSERT INTO tokens (token_hash, tenant_id, session_id, kind, created_at, "
            + "expires_at, pair_hash) VALUES (:access, :tenant, :session, :accessKind, :now, :accessExp, :refresh), "
            + "(:refresh, :tenant, :session, :refreshKind, :now, :refreshExp, :access)";
    /**
     * Only one of two concurrent callers marks the token: the other's update finds it used, or revoked by a renewal
     * since it was read, and changes nothing.
     */
    private static final String MARK_USED = "UPDATE tokens SET used_at = :now WHERE token_hash = :used "
            + "AND used_at IS NULL AND revoked_at IS NULL";
    private static final String REVOKE_TOKEN = "UPDATE tokens SET revoked_at = :now WHERE token_hash = :retired "
            + "AND revoked_at IS NULL";
    private static final String EXTEND_LIVE_SESSION = "UPDATE sessions SET expires_at = :sessionExp "
            + "WHERE tenant_id = :tenant AND id = :session AND revoked_at IS NULL";

    /** Whether {@link #findWithOwner} locks the session's row (PostgreSQL: {@code FOR UPDATE OF s}). */
    private final boolean sessionLockedByRead;

    TokenStore(boolean postgres) {
        this.sessionLockedByRead = postgres;
    }

    // Each write below is several statements sent as one (both drivers run them in order, in the caller's
    // transaction): on PostgreSQL that is one round trip instead of one per statement.
    //
    // Lock order: every transaction that changes the tokens of an existing session first locks the session's row
    // (extendLiveSession, revokeSession, or on PostgreSQL the rotation's read, findWithOwner), then token rows. Two
    // such transactions on one session queue on that row instead of each holding a token the other one waits for (a
    // deadlock, answered 500 and rolled back).

    /** A new session with its first pair. */
    void insertSession(Handle h, String tenantId, String sessionId, SessionKind kind, String customerId,
                       ClientInfo client, Instant now, TokenService.Pair pair) {
        bindPair(h.createUpdate(INSERT_SESSION + "; " + INSERT_PAIR), tenantId, sessionId, now, pair)
                .bind("customer", customerId).bind("sessionKind", kind.wire())
                .bind("ip", client.ip()).bind("ua", client.userAgent())
                .bind("sessionExp", Database.ts(pair.sessionExpiry()))
                .execute();
    }

    /**
     * Locks the row of a session that has not ended and moves its expiry to that of its newest pair (see
     * {@link TokenService.Pair#sessionExpiry}); false when the session has ended (perhaps just now, by a revocation
     * this transaction waited for).
     */
    boolean extendLiveSession(Handle h, String tenantId, String sessionId, Instant sessionExpiry) {
        return h.createUpdate(EXTEND_LIVE_SESSION)
                .bind("sessionExp", Database.ts(sessionExpiry)).bind("tenant", tenantId).bind("session", sessionId)
                .execute() == 1;
    }

    /** One more pair for an existing session, beside the pairs it has; after {@link #extendLiveSession}. */
    void insertPair(Handle h, String tenantId, String sessionId, Instant now, TokenService.Pair pair) {
        bindPair(h.createUpdate(INSERT_PAIR), tenantId, sessionId, now, pair).execute();
    }

    /**
     * Marks the refresh token used, retires the access token it was paired with and stores the next pair, after
     * locking the session. Returns false when the session has ended or another caller had used or revoked the token
     * first: the caller must roll back, since the pair may have been stored all the same.
     *
     * <p>On PostgreSQL {@link #findWithOwner} has locked the session already and seen it live, so the session's new
     * expiry rides along at the end of the one multi-statement update (whose count is the first statement's); H2
     * locks every inner-joined row of such a read, tokens too, so there the session is locked here first.
     */
    boolean rotate(Handle h, String tenantId, String sessionId, String usedHash, String pairedAccessHash, Instant now,
                   TokenService.Pair pair) {
        String rotation = MARK_USED + "; " + REVOKE_TOKEN + "; " + INSERT_PAIR;
        if (!sessionLockedByRead && !extendLiveSession(h, tenantId, sessionId, pair.sessionExpiry())) {
            return false;
        }
        var update = bindPair(h.createUpdate(sessionLockedByRead ? rotation + "; " + EXTEND_LIVE_SESSION : rotation),
                tenantId, sessionId, now, pair).bind("used", usedHash).bind("retired", pairedAccessHash);
        if (sessionLockedByRead) {
            update.bind("sessionExp", Database.ts(pair.sessionExpiry()));
        }
        return update.execute() == 1;
    }

    /**
     * Revokes an access token and its refresh token, after {@link #extendLiveSession}; false when the access token was
     * already revoked, e.g. by a concurrent renewal.
     */
    boolean revokePair(Handle h, String accessHash, Instant now) {
        h.createUpdate("UPDATE tokens SET revoked_at = :now WHERE revoked_at IS NULL "
                        + "AND token_hash = (SELECT pair_hash FROM tokens WHERE token_hash = :access)")
                .bind("now", Database.ts(now)).bind("access", accessHash).execute();
        return h.createUpdate(REVOKE_TOKEN).bind("now", Database.ts(now)).bind("retired", accessHash).execute() == 1;
    }

    private static Update bindPair(Update update, String tenantId, String sessionId, Instant now,
                                   TokenService.Pair pair) {
        return update.bind("access", pair.accessHash()).bind("refresh", pair.refreshHash())
                .bind("tenant", tenantId).bind("session", sessionId)
                .bind("accessKind", ACCESS).bind("refreshKind", REFRESH).bind("now", Database.ts(now))
                .bind("accessExp", Database.ts(pair.accessExpiry())).bind("refreshExp", Database.ts(pair.refreshExpiry()));
    }

    private static final String TOKEN_COLUMNS = "t.token_hash, t.tenant_id, t.session_id, t.kind, t.expires_at, "
            + "t.used_at, t.revoked_at, t.pair_hash, s.kind AS session_kind, s.customer_id, "
            + "s.revoked_at AS session_revoked_at, c.email";
    private static final String TOKEN_JOINS = "FROM tokens t "
            + "JOIN sessions s ON s.tenant_id = t.tenant_id AND s.id = t.session_id "
            + "LEFT JOIN customers c ON c.tenant_id = s.tenant_id AND c.id = s.customer_id";

    /** A refresh token with, for a customer's session, the customer and their active cart. */
    record WithOwner(StoredToken token, CustomerWithCart owner) {
    }

    /**
     * The token and its session. The tenant is compared here rather than in SQL: given the tenant as a parameter,
     * PostgreSQL's generic plan for this prepared statement may walk every session of the tenant and probe each for
     * the token, a cost that grows with the tenant's sessions; looked up by hash alone it is two primary-key probes.
     */
    Optional<StoredToken> find(Handle h, String tenantId, String tokenHash) {
        return findInAnyTenant(h, tokenHash).filter(token -> token.tenantId().equals(tenantId));
    }

    /** Only to tell a shopper's live token from a dead one where no tenant is named (an admin route). */
    Optional<StoredToken> findInAnyTenant(Handle h, String tokenHash) {
        return h.createQuery("SELECT " + TOKEN_COLUMNS + " " + TOKEN_JOINS + " WHERE t.token_hash = :hash")
                .bind("hash", tokenHash)
                .map((rs, ctx) -> token(rs))
                .findOne();
    }

    /**
     * Like {@link #find}, and the customer row and active cart the refresh answer shows come in the same read: one
     * round trip fewer on every rotation than asking the customer store afterwards. On PostgreSQL it also locks the
     * session's row, the first lock of every change to a session's tokens (see {@link #rotate}); after waiting for
     * that lock it reads the session as it is now, the token possibly as it was (a rotation then finds it used).
     */
    Optional<WithOwner> findWithOwner(Handle h, String tenantId, String tokenHash) {
        return h.createQuery("SELECT " + TOKEN_COLUMNS + ", " + CustomerStore.WITH_ACTIVE_CART_COLUMNS + " "
                        + TOKEN_JOINS + " " + CustomerStore.ACTIVE_CART + " WHERE t.token_hash = :hash"
                        + (sessionLockedByRead ? " FOR UPDATE OF s" : ""))
                .bind("hash", tokenHash)
                .map((rs, ctx) -> {
                    StoredToken token = token(rs);
                    return new WithOwner(token, token.customerId() == null ? null : CustomerStore.withActiveCart(rs));
                })
                .findOne()
                .filter(found -> found.token().tenantId().equals(tenantId));
    }

    private static StoredToken token(ResultSet rs) throws SQLException {
        return new StoredToken(rs.getString("token_hash"), rs.getString("tenant_id"),
                rs.getString("session_id"), rs.getString("kind"), Database.instant(rs, "expires_at"),
                Database.instant(rs, "used_at"), Database.instant(rs, "revoked_at"),
                SessionKind.fromWire(rs.getString("session_kind")), rs.getString("customer_id"),
                rs.getString("email"), Database.instant(rs, "session_revoked_at"), rs.getString("pair_hash"));
    }

    /**
     * The session's row first, then its tokens: the lock order of every change to a session's tokens. False when the
     * session had ended already or is gone (perhaps just now, by a transaction this one waited for).
     */
    boolean revokeSession(Handle h, String tenantId, String sessionId, Instant now) {
        return h.createUpdate("UPDATE sessions SET revoked_at = :now WHERE tenant_id = :tenant AND id = :session "
                        + "AND revoked_at IS NULL; UPDATE tokens SET revoked_at = :now WHERE tenant_id = :tenant "
                        + "AND session_id = :session AND revoked_at IS NULL")
                .bind("now", Database.ts(now)).bind("tenant", tenantId).bind("session", sessionId).execute() == 1;
    }

    List<String> liveSessionIds(Handle h, String tenantId, String customerId) {
        return h.createQuery("SELECT id FROM sessions WHERE tenant_id = :tenant AND customer_id = :customer "
                        + "AND revoked_at IS NULL")
                .bind("tenant", tenantId).bind("customer", customerId)
                .mapTo(String.class).list();
    }

    void touchSession(Handle h, String tenantId, String sessionId, Instant at) {
        h.createUpdate("UPDATE sessions SET last_used_at = :at WHERE tenant_id = :tenant AND id = :id")
                .bind("at", Database.ts(at)).bind("tenant", tenantId).bind("id", sessionId).execute();
    }

    /**
     * Deletes tokens that expired before {@code cutoff} and the sessions they leave with nothing live, for a batch of
     * sessions; returns how many rows went (0 when nothing is left). Found through the tokens (indexed by tenant and
     * expiry), since a session's own expiry moves on every rotation and is not indexed.
     */
    int deleteExpired(Handle h, String tenantId, Instant cutoff) {
        List<String> sessionIds = h.createQuery("SELECT DISTINCT session_id FROM tokens WHERE tenant_id = :tenant "
                        + "AND expires_at < :cutoff FETCH FIRST 500 ROWS ONLY")
                .bind("tenant", tenantId).bind("cutoff", Database.ts(cutoff))
                .mapTo(String.class).list();
        if (sessionIds.isEmpty()) {
            return 0;
        }
        return h.createUpdate("DELETE FROM tokens WHERE tenant_id = :tenant AND session_id IN (<ids>) "
                        + "AND expires_at < :cutoff")
                .bind("tenant", tenantId).bindList("ids", sessionIds).bind("cutoff", Database.ts(cutoff))
                .execute()
                + h.createUpdate("DELETE FROM sessions WHERE tenant_id = :tenant AND id IN (<ids>) "
                        + "AND expires_at < :cutoff")
                .bind("tenant", tenantId).bindList("ids", sessionIds).bind("cutoff", Database.ts(cutoff))
                .execute();
    }
}
