package dev.latchkey.auth;

import dev.latchkey.customer.CustomerStore;
import dev.latchkey.customer.CustomerWithCart;
import dev.latchkey.db.Database;
import dev.latchkey.db.PlannedEachRun;
import dev.latchkey.http.ClientInfo;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * SQL for sessions and their tokens. A pair of tokens is one row, found by the SHA-256 of either token; hashes are
 * handed in as hex and stored as their 32 bytes.
 */
final class TokenStore {
    private static final String INSERT_SESSION = "INSERT INTO sessions (tenant_id, id, customer_id, kind, ip, "
            + "user_agent, created_at, last_used_at, expires_at) "
            + "VALUES (:tenant, :session, :customer, :sessionKind, :ip, :ua, :now, :now, :sessionExp)";
    private static final String INTO_PAIRS = "INSERT INTO token_pairs (access_hash, refresh_hash, tenant_id, "
            + "session_id, created_at, access_expires_at, refresh_expires_at, expires_at) ";
    private static final String INSERT_PAIR = INTO_PAIRS
            + "VALUES (:access, :refresh, :tenant, :session, :now, :accessExp, :refreshExp, :sessionExp)";
    /**
     * Marks the refresh token used and retires the access token of its pair. Only one of two concurrent callers
     * changes the row: the other's update finds the token used, or revoked by a renewal since it was read.
     */
    private static final String MARK_USED = "SET refresh_used_at = :now, "
            + "access_revoked_at = COALESCE(access_revoked_at, :now) ";
    private static final String UNUSED = "refresh_hash = :used AND refresh_used_at IS NULL "
            + "AND refresh_revoked_at IS NULL";
    private static final String USE_REFRESH = "UPDATE token_pairs " + MARK_USED + "WHERE " + UNUSED;
    private static final String EXTEND_LIVE_SESSION = "UPDATE sessions SET expires_at = :sessionExp "
            + "WHERE tenant_id = :tenant AND id = :session AND revoked_at IS NULL";

    // Several statements are sent as one where they can be (both drivers run them in order, in the caller's
    // transaction): on PostgreSQL that is one round trip instead of one per statement.
    //
    // Lock order: a transaction that changes a pair of an existing session locks the pair's row first, then the
    // session's (rotate, revokePair before extendLiveSession, the deletions; rotateAll says how it keeps to the order); ending a session writes its
    // row only. Two transactions on one session therefore never each hold a row the other one waits for (a deadlock,
    // answered 500 and rolled back).

    /** A new session with its first pair. */
    void insertSession(Handle h, String tenantId, String sessionId, SessionKind kind, String customerId,
                       ClientInfo client, Instant now, TokenService.Pair pair) {
        bindPair(h.createUpdate(INSERT_SESSION + "; " + INSERT_PAIR), tenantId, sessionId, now, pair)
                .bind("customer", customerId).bind("sessionKind", kind.wire())
                .bind("ip", client.ip()).bind("ua", client.userAgent())
                .execute();
    }

    /**
     * An agent's session with its only token: an access token without a refresh token, whose expiry is the session's.
     * The grant's id, name and scope are the session's own columns, so the token's lookup reads the scope with the
     * session, as it reads every session.
     */
    void insertAgentSession(Handle h, String tenantId, String sessionId, String customerId, AgentGrant.Terms terms,
                            String accessHash, ClientInfo client) {
        h.createUpdate("INSERT INTO sessions (tenant_id, id, customer_id, kind, ip, user_agent, created_at, "
                        + "last_used_at, expires_at, agent_id, agent_name, scope) VALUES (:tenant, :session, "
                        + ":customer, :sessionKind, :ip, :ua, :now, :now, :exp, :agent, :name, :scope); "
                        + INTO_PAIRS + "VALUES (:access, NULL, :tenant, :session, :now, :exp, :exp, :exp)")
                .bind("tenant", tenantId).bind("session", sessionId).bind("customer", customerId)
                .bind("sessionKind", SessionKind.AGENT.wire()).bind("ip", client.ip()).bind("ua", client.userAgent())
                .bind("now", Database.ts(terms.createdAt())).bind("exp", Database.ts(terms.expiresAt()))
                .bind("agent", terms.id()).bind("name", terms.name()).bind("scope", AgentScope.stored(terms.scope()))
                .bind("access", bytes(accessHash))
                .execute();
    }

    /**
     * A session of the customer that the staff member or secret key {@code impersonatedBy} started, with its only
     * token: an access token without a refresh token, whose expiry is the session's. No IP address or user agent: those
     * are the staff member's, which the audit log keeps for the merchant, not the customer's session list.
     */
    void insertImpersonationSession(Handle h, String tenantId, String sessionId, String customerId,
                                    String impersonatedBy, String accessHash, Instant now, Instant expiresAt) {
        h.createUpdate("INSERT INTO sessions (tenant_id, id, customer_id, kind, created_at, last_used_at, expires_at, "
                        + "impersonated_by) VALUES (:tenant, :session, :customer, :sessionKind, :now, :now, :exp, "
                        + ":by); " + INTO_PAIRS + "VALUES (:access, NULL, :tenant, :session, :now, :exp, :exp, :exp)")
                .bind("tenant", tenantId).bind("session", sessionId).bind("customer", customerId)
                .bind("sessionKind", SessionKind.CUSTOMER.wire()).bind("now", Database.ts(now))
                .bind("exp", Database.ts(expiresAt)).bind("by", impersonatedBy).bind("access", bytes(accessHash))
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
     * Marks the refresh token used, retires the access token of its pair, stores the next pair and moves the
     * session's expiry. Returns false when another caller had used or revoked the token first or the session has
     * ended: the caller must roll back, since the pair may have been stored all the same.
     */
    boolean rotate(Handle h, String tenantId, String sessionId, String usedHash, Instant now, TokenService.Pair pair) {
        return bindPair(h.createUpdate(USE_REFRESH + "; " + INSERT_PAIR), tenantId, sessionId, now, pair)
                .bind("used", bytes(usedHash)).execute() == 1
                && extendLiveSession(h, tenantId, sessionId, pair.sessionExpiry());
    }

    /** What {@link #rotateAll} did for one rotation: {@code sessionLive} false when the session ended as it ran. */
    record Rotated(String sessionId, String customerId, CustomerWithCart owner, boolean sessionLive,
                   Instant sessionCreatedAt) {
    }

    /**
     * A rotation of the refresh token with hash {@code usedHash} to {@code pair}, for {@link #rotateAll}; the session
     * lasts at most {@code maxLifetimeSeconds} from its start (null: no limit), and the pair ends by then too.
     */
    record Rotation(String tenantId, SessionKind kind, String usedHash, Instant now, TokenService.Pair pair,
                    Long maxLifetimeSeconds) {
    }

    /**
     * PostgreSQL only: each rotation of a usable, unused refresh token of a live session of its kind, with the read of
     * the session's customer and active cart, all in one statement. Run outside a transaction, a batch is committed
     * with that one round trip, where reading, writing and committing each rotation apart take three. The answer is
     * in the order of {@code rotations}, empty for one that changed nothing (the token is unknown, of another tenant or
     * kind, used, revoked or expired, its session ended, or it came twice in the batch and the other one used it): the
     * caller then takes the general way, {@link #findRefreshWithOwner}, which tells these apart.
     *
     * <p>Lock order: every pair's row is locked (and marked) before any session's row, and the sessions' rows in the
     * order of their keys. A transaction of a single rotation or revocation, which locks at most a pair's row and then
     * its session's, can therefore wait for a batch or make a batch wait, but never both at once (a deadlock). A
     * transaction that locks several rows of one kind may take them in another order (an erasure deleting a customer's
     * pairs), and a batch holds up every refresh of the node while it waits: so a batch waits at most
     * {@code lockTimeout} for any row, then fails with SQLState 55P03, rolled back, for its rotations to be done one by
     * one. A batch that runs longer than {@link #BATCH_QUERY_TIMEOUT_SECONDS} is cancelled. A session ended by a
     * transaction that committed meanwhile is seen by the sessions' update, which then changes nothing; the new pair is
     * written all the same but can never be used, since every look-up reads the session.
     *
     * <p>The statement is planned on every run, never prepared once for the connection ({@link PlannedEachRun}): a
     * batch planned while the tables held a few rows scanned them whole, once per rotation, and took seconds once they
     * had grown.
     */
    List<Optional<Rotated>> rotateAll(Handle h, List<Rotation> rotations, Duration lockTimeout) {
        List<Optional<Rotated>> answers = new ArrayList<>(Collections.nCopies(rotations.size(), Optional.empty()));
        h.createQuery(ROTATE_ALL)
                .addCustomizer(PlannedEachRun.INSTANCE)
                .setQueryTimeout(BATCH_QUERY_TIMEOUT_SECONDS)
                .bind("lockTimeout", lockTimeout.toMillis() + "ms")
                .bindArray("used", String.class, column(rotations, Rotation::usedHash))
                .bindArray("access", String.class, column(rotations, r -> r.pair().accessHash()))
                .bindArray("refresh", String.class, column(rotations, r -> r.pair().refreshHash()))
                .bindArray("tenant", String.class, column(rotations, Rotation::tenantId))
                .bindArray("sessionKind", String.class, column(rotations, r -> r.kind().wire()))
                .bindArray("now", String.class, column(rotations, r -> r.now().toString()))
                .bindArray("accessExp", String.class, column(rotations, r -> r.pair().accessExpiry().toString()))
                .bindArray("refreshExp", String.class, column(rotations, r -> r.pair().refreshExpiry().toString()))
                .bindArray("sessionExp", String.class, column(rotations, r -> r.pair().sessionExpiry().toString()))
                .bindArray("maxLifetime", String.class, column(rotations,
                        r -> r.maxLifetimeSeconds() == null ? null : r.maxLifetimeSeconds().toString()))
                .map((rs, ctx) -> {
                    String customerId = rs.getString("session_customer_id");
                    return Map.entry(rs.getInt("rotation") - 1, new Rotated(rs.getString("session_id"), customerId,
                            customerId == null ? null : CustomerStore.withActiveCart(rs),
                            rs.getBoolean("session_live"), Database.instant(rs, "session_created_at")));
                })
                .forEach(numbered -> answers.set(numbered.getKey(), Optional.of(numbered.getValue())));
        return answers;
    }

    private static List<String> column(List<Rotation> rotations, Function<Rotation, String> value) {
        return rotations.stream().map(value).toList();
    }

    /** Every refresh of the node waits for a batch: one that hangs (a database that stopped answering) is cut off. */
    private static final int BATCH_QUERY_TIMEOUT_SECONDS = 10;

    // The rotations come as one text array per field (hashes in hex, times in ISO 8601), numbered by their position.
    // The sessions' update reads the pairs' update through a sort, which has all of its rows before it gives the
    // first: so the pairs are all locked first, and the sessions in the sort's order. The lock timeout is set for this
    // statement's transaction alone (set_config's third argument), by x, which every plan reads before it can lock a
    // row: that keeps the batch at one round trip, where SET LOCAL would need a transaction around it.
    private static final String ROTATE_ALL = "WITH x AS MATERIALIZED (SELECT decode(u.used, 'hex') AS used, "
            + "decode(u.access, 'hex') AS access, decode(u.refresh, 'hex') AS refresh, u.tenant_id, u.kind, "
            + "CAST(u.at AS TIMESTAMP WITH TIME ZONE) AS at, "
            + "CAST(u.access_exp AS TIMESTAMP WITH TIME ZONE) AS access_exp, "
            + "CAST(u.refresh_exp AS TIMESTAMP WITH TIME ZONE) AS refresh_exp, "
            + "CAST(u.session_exp AS TIMESTAMP WITH TIME ZONE) AS session_exp, "
            + "CAST(u.max_lifetime AS BIGINT) * INTERVAL '1 second' AS max_lifetime, u.i, "
            + "set_config('lock_timeout', :lockTimeout, TRUE) AS lock_timeout "
            + "FROM unnest(CAST(:used AS TEXT[]), CAST(:access AS TEXT[]), CAST(:refresh AS TEXT[]), "
            + "CAST(:tenant AS TEXT[]), CAST(:sessionKind AS TEXT[]), CAST(:now AS TEXT[]), "
            + "CAST(:accessExp AS TEXT[]), CAST(:refreshExp AS TEXT[]), CAST(:sessionExp AS TEXT[]), "
            + "CAST(:maxLifetime AS TEXT[])) WITH ORDINALITY AS u(used, access, refresh, tenant_id, kind, at, "
            + "access_exp, refresh_exp, session_exp, max_lifetime, i)), "
            + "used AS (UPDATE token_pairs t SET refresh_used_at = x.at, "
            + "access_revoked_at = COALESCE(t.access_revoked_at, x.at) FROM x, sessions s "
            + "WHERE t.refresh_hash = x.used AND t.refresh_used_at IS NULL AND t.refresh_revoked_at IS NULL "
            + "AND t.tenant_id = x.tenant_id AND t.refresh_expires_at > x.at AND s.tenant_id = t.tenant_id "
            + "AND s.id = t.session_id AND s.revoked_at IS NULL AND s.kind = x.kind "
            + "AND (x.max_lifetime IS NULL OR s.created_at + x.max_lifetime > x.at) "
            // LEAST passes over a null: a session without a limit keeps the pair's own expiries
            + "RETURNING x.i, t.tenant_id, t.session_id, s.customer_id, s.created_at AS session_created_at, "
            + "s.created_at + x.max_lifetime AS session_end), "
            + "added AS (" + INTO_PAIRS + "SELECT x.access, x.refresh, used.tenant_id, used.session_id, x.at, "
            + "LEAST(x.access_exp, used.session_end), LEAST(x.refresh_exp, used.session_end), "
            + "LEAST(x.session_exp, used.session_end) FROM used JOIN x ON x.i = used.i), "
            + "extended AS (UPDATE sessions s SET expires_at = e.session_exp FROM (SELECT used.tenant_id, "
            + "used.session_id, max(LEAST(x.session_exp, used.session_end)) AS session_exp "
            + "FROM used JOIN x ON x.i = used.i "
            + "GROUP BY used.tenant_id, used.session_id ORDER BY used.tenant_id, used.session_id) e "
            + "WHERE s.tenant_id = e.tenant_id AND s.id = e.session_id AND s.revoked_at IS NULL "
            + "RETURNING s.tenant_id, s.id) "
            + "SELECT used.i AS rotation, used.session_id, used.customer_id AS session_customer_id, "
            + "used.session_created_at, "
            + "EXISTS (SELECT 1 FROM extended e WHERE e.tenant_id = used.tenant_id AND e.id = used.session_id) "
            + "AS session_live, " + CustomerStore.WITH_ACTIVE_CART_COLUMNS + " "
            + "FROM used LEFT JOIN customers c ON c.tenant_id = used.tenant_id AND c.id = used.customer_id "
            + CustomerStore.ACTIVE_CART;

    /**
     * Revokes an access token and the refresh token of its pair, before {@link #extendLiveSession}; false when the
     * access token was already revoked, e.g. by a concurrent renewal.
     */
    boolean revokePair(Handle h, String accessHash, Instant now) {
        return h.createUpdate("UPDATE token_pairs SET access_revoked_at = :now, "
                        + "refresh_revoked_at = COALESCE(refresh_revoked_at, :now) "
                        + "WHERE access_hash = :access AND access_revoked_at IS NULL")
                .bind("now", Database.ts(now)).bind("access", bytes(accessHash)).execute() == 1;
    }

    private static <S extends SqlStatement<S>> S bindPair(S statement, String tenantId, String sessionId, Instant now,
                                                           TokenService.Pair pair) {
        return statement.bind("access", bytes(pair.accessHash())).bind("refresh", bytes(pair.refreshHash()))
                .bind("tenant", tenantId).bind("session", sessionId).bind("now", Database.ts(now))
                .bind("accessExp", Database.ts(pair.accessExpiry())).bind("refreshExp", Database.ts(pair.refreshExpiry()))
                .bind("sessionExp", Database.ts(pair.sessionExpiry()));
    }

    private static byte[] bytes(String hexHash) {
        return HexFormat.of().parseHex(hexHash);
    }

    private static final String PAIR_COLUMNS = "t.tenant_id, t.session_id, t.access_expires_at, t.access_revoked_at, "
            + "t.refresh_expires_at, t.refresh_used_at, t.refresh_revoked_at, s.kind AS session_kind, s.customer_id, "
            + "s.revoked_at AS session_revoked_at, s.created_at AS session_created_at, s.scope, s.impersonated_by, "
            + "c.email";
    private static final String PAIR_JOINS = "FROM token_pairs t "
            + "JOIN sessions s ON s.tenant_id = t.tenant_id AND s.id = t.session_id "
            + "LEFT JOIN customers c ON c.tenant_id = s.tenant_id AND c.id = s.customer_id";

    /** A refresh token with, for a customer's session, the customer and their active cart. */
    record WithOwner(StoredToken token, CustomerWithCart owner) {
    }

    /**
     * The access token and its session. The tenant is compared here rather than in SQL: given the tenant as a
     * parameter, PostgreSQL's generic plan for this prepared statement may walk every session of the tenant and probe
     * each for the token, a cost that grows with the tenant's sessions; looked up by hash alone it is two primary-key
     * probes.
     */
    Optional<StoredToken> findAccess(Handle h, String tenantId, String accessHash) {
        return findInAnyTenant(h, accessHash, false).filter(token -> token.tenantId().equals(tenantId));
    }

    /**
     * The access token ({@code refresh} false) or refresh token with this hash, of whichever tenant: where no tenant
     * is named (an admin or platform route) only to tell a shopper's live token from a dead one.
     */
    Optional<StoredToken> findInAnyTenant(Handle h, String hash, boolean refresh) {
        return h.createQuery("SELECT " + PAIR_COLUMNS + " " + PAIR_JOINS + " WHERE t."
                        + (refresh ? "refresh_hash" : "access_hash") + " = :hash")
                .bind("hash", bytes(hash))
                .map((rs, ctx) -> token(rs, refresh))
                .findOne();
    }

    /**
     * Like {@link #findAccess} for a refresh token, and the customer row and active cart the refresh answer shows
     * come in the same read: one round trip fewer than asking the customer store afterwards.
     */
    Optional<WithOwner> findRefreshWithOwner(Handle h, String tenantId, String refreshHash) {
        return h.createQuery("SELECT " + PAIR_COLUMNS + ", " + CustomerStore.WITH_ACTIVE_CART_COLUMNS + " "
                        + PAIR_JOINS + " " + CustomerStore.ACTIVE_CART + " WHERE t.refresh_hash = :hash")
                .bind("hash", bytes(refreshHash))
                .map((rs, ctx) -> {
                    StoredToken token = token(rs, true);
                    return new WithOwner(token, token.customerId() == null ? null : CustomerStore.withActiveCart(rs));
                })
                .findOne()
                .filter(found -> found.token().tenantId().equals(tenantId));
    }

    /** The refresh token's half of the pair, or the access token's. */
    private static StoredToken token(ResultSet rs, boolean refresh) throws SQLException {
        String kind = refresh ? "refresh" : "access";
        return new StoredToken(rs.getString("tenant_id"), rs.getString("session_id"),
                Database.instant(rs, kind + "_expires_at"), Database.instant(rs, "refresh_used_at"),
                Database.instant(rs, kind + "_revoked_at"), SessionKind.fromWire(rs.getString("session_kind")),
                rs.getString("customer_id"), rs.getString("email"), Database.instant(rs, "session_revoked_at"),
                Database.instant(rs, "session_created_at"), AgentScope.ofStored(rs.getString("scope")),
                rs.getString("impersonated_by"));
    }

    /**
     * Ends the session: its row only, since every look-up of its tokens reads it (see V17). False when the session
     * had ended already or is gone (perhaps just now, by a transaction this one waited for).
     */
    boolean revokeSession(Handle h, String tenantId, String sessionId, Instant now) {
        return h.createUpdate("UPDATE sessions SET revoked_at = :now WHERE tenant_id = :tenant AND id = :session "
                        + "AND revoked_at IS NULL")
                .bind("now", Database.ts(now)).bind("tenant", tenantId).bind("session", sessionId).execute() == 1;
    }

    boolean isUnended(Handle h, String tenantId, String sessionId) {
        return h.createQuery("SELECT COUNT(*) FROM sessions WHERE tenant_id = :tenant AND id = :session "
                        + "AND revoked_at IS NULL")
                .bind("tenant", tenantId).bind("session", sessionId).mapTo(Integer.class).one() > 0;
    }

    /**
     * Locks those of {@code ids} that are the customer's and have not ended, in key order (see
     * {@link #revokeLiveSessions}); answers their ids. None of them can then end before this transaction does.
     */
    List<String> lockUnendedSessions(Handle h, String tenantId, String customerId, List<String> ids) {
        return h.createQuery("SELECT id FROM sessions WHERE tenant_id = :tenant AND customer_id = :customer "
                        + "AND revoked_at IS NULL AND id IN (<ids>) ORDER BY id FOR UPDATE")
                .bind("tenant", tenantId).bind("customer", customerId).bindList("ids", ids)
                .mapTo(String.class).list();
    }

    /**
     * Ends the customer's live sessions but {@code keepSessionId} (may be null); answers how many, or nothing when the
     * session to keep has itself ended (then nothing is ended). The rows, the kept one among them, are locked first in
     * key order, the order a batch of rotations locks sessions in, so the two cannot deadlock; the update then finds
     * them locked by this transaction.
     */
    OptionalInt revokeLiveSessions(Handle h, String tenantId, String customerId, String keepSessionId, Instant now) {
        List<String> unended = h.createQuery("SELECT id FROM sessions WHERE tenant_id = :tenant "
                        + "AND customer_id = :customer AND revoked_at IS NULL ORDER BY id FOR UPDATE")
                .bind("tenant", tenantId).bind("customer", customerId).mapTo(String.class).list();
        if (keepSessionId != null && !unended.contains(keepSessionId)) {
            return OptionalInt.empty();
        }
        String others = keepSessionId == null ? "" : " AND id <> :keep";
        var end = h.createUpdate("UPDATE sessions SET revoked_at = :now WHERE tenant_id = :tenant "
                        + "AND customer_id = :customer AND revoked_at IS NULL" + others)
                .bind("now", Database.ts(now)).bind("tenant", tenantId).bind("customer", customerId);
        if (keepSessionId != null) {
            end.bind("keep", keepSessionId);
        }
        return OptionalInt.of(end.execute());
    }

    /**
     * Ends every live session of each of the customers; answers how many of each it ended (a customer with none is
     * left out). As {@link #revokeLiveSessions} does for one customer, the rows are locked first, all of them in one
     * statement in key order, and then ended in one statement, which answers the owner of each row it ended: a session
     * begun since the lock (which could not take it) ends too, and is counted.
     */
    Map<String, Integer> revokeLiveSessionsOfAll(Handle h, String tenantId, List<String> customerIds, Instant now) {
        h.createQuery("SELECT id FROM sessions WHERE tenant_id = :tenant "
                        + "AND customer_id IN (<customers>) AND revoked_at IS NULL ORDER BY id FOR UPDATE")
                .bind("tenant", tenantId).bindList("customers", customerIds)
                .mapTo(String.class).list();
        Map<String, Integer> ended = new HashMap<>();
        h.createUpdate("UPDATE sessions SET revoked_at = :now WHERE tenant_id = :tenant "
                        + "AND customer_id IN (<customers>) AND revoked_at IS NULL")
                .bind("now", Database.ts(now)).bind("tenant", tenantId).bindList("customers", customerIds)
                .executeAndReturnGeneratedKeys("customer_id").mapTo(String.class)
                .forEach(customer -> ended.merge(customer, 1, Integer::sum));
        return ended;
    }

    /** An impersonation session that {@link #endImpersonations} ended, and whose customer it was. */
    record EndedImpersonation(String sessionId, String customerId) {
    }

    /**
     * Ends the tenant's live impersonation sessions that {@code impersonatedBy} started (every one of them when null);
     * answers each one it ended. As the other revocations do, the rows are locked first in key order, then ended in
     * one statement, which also ends one begun since the lock. Read along the index of V66: {@code > ''} holds for
     * every mark and for no null, so PostgreSQL may use its partial index and H2 a range of its full one.
     */
    List<EndedImpersonation> endImpersonations(Handle h, String tenantId, String impersonatedBy, Instant now) {
        String whose = impersonatedBy == null ? "impersonated_by > ''" : "impersonated_by = :by";
        String live = " AND revoked_at IS NULL AND expires_at > :now";
        var lock = h.createQuery("SELECT id FROM sessions WHERE tenant_id = :tenant AND " + whose + live
                + " ORDER BY id FOR UPDATE");
        var end = h.createUpdate("UPDATE sessions SET revoked_at = :now WHERE tenant_id = :tenant AND " + whose + live);
        for (SqlStatement<?> statement : List.of(lock, end)) {
            statement.bind("tenant", tenantId).bind("now", Database.ts(now));
            if (impersonatedBy != null) {
                statement.bind("by", impersonatedBy);
            }
        }
        if (lock.mapTo(String.class).list().isEmpty()) {
            return List.of();
        }
        return end.executeAndReturnGeneratedKeys("id", "customer_id")
                .map((rs, ctx) -> new EndedImpersonation(rs.getString("id"), rs.getString("customer_id"))).list();
    }

    void touchSession(Handle h, String tenantId, String sessionId, Instant at) {
        h.createUpdate("UPDATE sessions SET last_used_at = :at WHERE tenant_id = :tenant AND id = :id")
                .bind("at", Database.ts(at)).bind("tenant", tenantId).bind("id", sessionId).execute();
    }

    /**
     * Deletes pairs whose tokens both expired before {@code cutoff} and the sessions they leave with nothing live, for
     * a batch of sessions: how many rows went (0 when nothing is left), and the sessions looked at, some of which may
     * be gone now. Found through the pairs (indexed by tenant and expiry), since a session's own expiry moves on every
     * rotation and is not indexed.
     */
    Expired deleteExpired(Handle h, String tenantId, Instant cutoff) {
        // Not DISTINCT: de-duplicating would read every expired pair before the limit applies, so that each batch cost
        // as much as all that was left; the first 500 along the expiry index stop the read at 500.
        List<String> sessionIds = h.createQuery("SELECT session_id FROM token_pairs WHERE tenant_id = :tenant "
                        + "AND expires_at < :cutoff ORDER BY expires_at FETCH FIRST 500 ROWS ONLY")
                .bind("tenant", tenantId).bind("cutoff", Database.ts(cutoff))
                .mapTo(String.class).stream().distinct().toList();
        if (sessionIds.isEmpty()) {
            return new Expired(0, List.of());
        }
        return new Expired(h.createUpdate("DELETE FROM token_pairs WHERE tenant_id = :tenant AND session_id IN (<ids>) "
                        + "AND expires_at < :cutoff")
                .bind("tenant", tenantId).bindList("ids", sessionIds).bind("cutoff", Database.ts(cutoff))
                .execute()
                + h.createUpdate("DELETE FROM sessions WHERE tenant_id = :tenant AND id IN (<ids>) "
                        + "AND expires_at < :cutoff")
                .bind("tenant", tenantId).bindList("ids", sessionIds).bind("cutoff", Database.ts(cutoff))
                .execute(), sessionIds);
    }

    /** What {@link #deleteExpired} removed: rows, and the sessions it looked at. */
    record Expired(int rows, List<String> sessionIds) {
    }
}
