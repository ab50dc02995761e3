package dev.latchkey.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.latchkey.cluster.Invalidation;
import dev.latchkey.cluster.Invalidations;
import dev.latchkey.audit.Actor;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.customer.CustomerWithCart;
import dev.latchkey.db.Database;
import dev.latchkey.db.CommitUncertain;
import dev.latchkey.db.GroupCommit;
import dev.latchkey.db.LockConflict;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.tenant.TenantSettings;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sessions and their tokens: issue, validate (one cached lookup), refresh with rotation and reuse detection, renew,
 * revoke. Every revocation evicts the cache of every node (through {@link Invalidations}) before it returns, so the
 * next request already sees it wherever it lands.
 */
public final class TokenService implements AutoCloseable {
    /** A session's last_used_at is written at most this often, never on every request. */
    private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);
    /** Bounds one statement's arrays; with a few hundred connections at once, batches stay well below it. */
    private static final int MAX_ROTATIONS_PER_BATCH = 256;
    /**
     * How long a batch of rotations waits for a row another transaction holds before it gives way (every refresh of
     * the node waits meanwhile): far above the few milliseconds a rotation or revocation holds a row.
     */
    private static final Duration BATCH_LOCK_TIMEOUT = Duration.ofMillis(200);

    private final Database db;
    private final TokenStore store;
    private final AuditLog audit;
    private final Clock clock;
    private final TokenCache cache = new TokenCache(200_000, Duration.ofSeconds(30));
    /** When each session's last_used_at was last written; bounded, and an entry older than the interval is moot. */
    private final Cache<String, Instant> lastTouched = Caffeine.newBuilder()
            .maximumSize(200_000).expireAfterWrite(TOUCH_INTERVAL.multipliedBy(2)).build();
    private final Invalidations invalidations;
    private final List<SessionsDeletedListener> sessionsDeleted = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<SessionsEndedListener> customerSessionsEnded =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    /**
     * PostgreSQL: refreshes arriving together are rotated in one statement and one commit. Null on H2, which cannot
     * run a rotation as one statement.
     */
    private final GroupCommit<TokenStore.Rotation, TokenStore.Rotated> rotations;

    public TokenService(Database db, AuditLog audit, Clock clock, Invalidations invalidations) {
        this.db = db;
        this.store = new TokenStore();
        this.rotations = db.isPostgres() ? new GroupCommit<>("latchkey-rotations", MAX_ROTATIONS_PER_BATCH,
                batch -> db.withoutTransaction(h -> store.rotateAll(h, batch, BATCH_LOCK_TIMEOUT))) : null;
        this.audit = audit;
        this.clock = clock;
        this.invalidations = invalidations;
        invalidations.subscribe(this::onInvalidation);
    }

    public Issued startSession(Handle h, String tenantId, TenantSettings settings, SessionKind kind, String customerId,
                               ClientInfo client) {
        Instant now = now();
        String sessionId = Secrets.id("ses");
        Pair pair = Pair.create(settings, kind, now, now);
        store.insertSession(h, tenantId, sessionId, kind, customerId, client, now, pair);
        return pair.issued(sessionId, customerId);
    }

    public Issued startSession(String tenantId, TenantSettings settings, SessionKind kind, String customerId,
                               ClientInfo client) {
        return db.tx(h -> startSession(h, tenantId, settings, kind, customerId, client));
    }

    /**
     * An agent's session for the customer, on the terms of their grant, in the caller's transaction: one access token
     * and no refresh token (the customer grants again), so the session ends when that token expires.
     */
    public Issued startAgentSession(Handle h, String tenantId, String customerId, AgentGrant.Terms terms,
                                    ClientInfo client) {
        String sessionId = Secrets.id("ses");
        String access = Secrets.secret(SessionKind.AGENT.accessPrefix());
        store.insertAgentSession(h, tenantId, sessionId, customerId, terms, Secrets.sha256(access), client);
        return new Issued(sessionId, customerId, access, terms.expiresAt(), null, null);
    }

    /**
     * A customer's session that {@code impersonatedBy} (a staff member's or secret key's id) starts, in the caller's
     * transaction: a {@code cust_} access token, so a storefront uses it as any shopper's, and no refresh token, so the
     * session ends when that token expires.
     */
    public Issued startImpersonation(Handle h, String tenantId, String customerId, String impersonatedBy, Instant now,
                                     Instant expiresAt) {
        String sessionId = Secrets.id("ses");
        String access = Secrets.secret(SessionKind.CUSTOMER.accessPrefix());
        store.insertImpersonationSession(h, tenantId, sessionId, customerId, impersonatedBy, Secrets.sha256(access),
                now, expiresAt);
        return new Issued(sessionId, customerId, access, expiresAt, null, null);
    }

    /**
     * One more pair for an existing session (started at {@code sessionStart}), whose expiry moves to the new refresh
     * token's; {@code replacedAccessHash} (may be null) names an access token whose pair it replaces. Throws
     * {@link LostRace} when the session ended, reached its {@code session_max_lifetime}, or that pair was replaced
     * meanwhile.
     */
    private Issued issuePair(Handle h, String tenantId, TenantSettings settings, String sessionId, SessionKind kind,
                             String customerId, Instant now, Instant sessionStart, String replacedAccessHash) {
        Pair pair = Pair.create(settings, kind, now, sessionStart);
        if (pair.isDead(now) || (replacedAccessHash != null && !store.revokePair(h, replacedAccessHash, now))
                || !store.extendLiveSession(h, tenantId, sessionId, pair.sessionExpiry())) {
            throw new LostRace();
        }
        store.insertPair(h, tenantId, sessionId, now, pair);
        return pair.issued(sessionId, customerId);
    }

    /**
     * A fresh pair of tokens: the raw values go to the client, only their hashes to the database. Made for a session
     * whose start is known, neither outlives the session's end (see {@link #sessionEnd}); a batched rotation learns
     * the start from its statement and ends the pair by it there ({@link #endingBy}).
     */
    record Pair(String access, String accessHash, Instant accessExpiry, String refresh, String refreshHash,
                        Instant refreshExpiry) {
        static Pair create(TenantSettings settings, SessionKind kind, Instant now, Instant sessionStart) {
            return create(settings, kind, now).endingBy(sessionEnd(settings, kind, sessionStart));
        }

        /** Expiries as the tenant's token lifetimes give them, for a session whose start is not known yet. */
        static Pair create(TenantSettings settings, SessionKind kind, Instant now) {
            String access = Secrets.secret(kind.accessPrefix());
            String refresh = Secrets.secret("rt");
            return new Pair(access, Secrets.sha256(access), now.plusSeconds(accessTtl(settings, kind)), refresh,
                    Secrets.sha256(refresh), now.plusSeconds(refreshTtl(settings, kind)));
        }

        /** The same tokens, expiring by {@code end} at the latest (null: no end). */
        Pair endingBy(Instant end) {
            if (end == null) {
                return this;
            }
            return new Pair(access, accessHash, earlier(accessExpiry, end), refresh, refreshHash,
                    earlier(refreshExpiry, end));
        }

        private static Instant earlier(Instant a, Instant b) {
            return a.isBefore(b) ? a : b;
        }

        /** Whether neither token would work at {@code now}: the session has reached its end. */
        boolean isDead(Instant now) {
            return !sessionExpiry().isAfter(now);
        }

        /**
         * When the session ends unless renewed: once neither token of its newest pair works. A tenant may let the
         * access token outlive the refresh token; its session is live (listed, and ended by its id) until then.
         */
        Instant sessionExpiry() {
            return accessExpiry.isAfter(refreshExpiry) ? accessExpiry : refreshExpiry;
        }

        Issued issued(String sessionId, String customerId) {
            return new Issued(sessionId, customerId, access, accessExpiry, refresh, refreshExpiry);
        }
    }

    /**
     * When a customer's session ends however often it is refreshed or renewed: {@code session_max_lifetime} after its
     * login (NIST SP 800-63B, OWASP ASVS 5.0 V7.3.2: an absolute lifetime, after which the shopper logs in again). An
     * agent's session, which acts with the customer's authority, ends by the same limit after its grant. Null for
     * guest sessions, which prove nobody's identity.
     */
    static Instant sessionEnd(TenantSettings settings, SessionKind kind, Instant sessionStart) {
        Long seconds = maxLifetime(settings, kind);
        return seconds == null ? null : sessionStart.plusSeconds(seconds);
    }

    private static Long maxLifetime(TenantSettings settings, SessionKind kind) {
        return kind == SessionKind.ANONYMOUS ? null : settings.sessionMaxLifetime();
    }

    /**
     * The live access token with this value under this tenant, or 401 {@code invalid_token}. An agent's token also
     * ends with its session's end (a {@code session_max_lifetime} lowered since the grant): it never refreshes, so
     * that is checked here, from the cached settings.
     */
    public AccessToken authenticate(String tenantId, TenantSettings settings, String rawToken) {
        if (!isShopperAccessToken(rawToken)) {
            throw ApiError.invalidToken();
        }
        String hash = Secrets.sha256(rawToken);
        AccessToken token = cache.get(hash);
        Instant now = clock.instant();
        if (token == null) {
            long readAt = cache.epoch();
            StoredToken stored = db.read(h -> store.findAccess(h, tenantId, hash)).orElseThrow(ApiError::invalidToken);
            if (!stored.usable(now)) {
                throw ApiError.invalidToken();
            }
            token = accessToken(hash, stored);
            if (invalidations.mayCache()) {
                cache.put(token, readAt);
            }
        }
        if (!token.tenantId().equals(tenantId) || !now.isBefore(token.expiresAt()) || outlived(token, settings, now)) {
            throw ApiError.invalidToken();
        }
        touch(token, now);
        return token;
    }

    private static boolean outlived(AccessToken token, TenantSettings settings, Instant now) {
        return token.isAgent() && !now.isBefore(sessionEnd(settings, SessionKind.AGENT, token.sessionCreatedAt()));
    }

    /** Whether this looks like an access token of a shopper's session of some kind (it may still be unknown). */
    static boolean isShopperAccessToken(String rawToken) {
        return rawToken != null && SessionKind.marksAccessToken(rawToken);
    }

    private static AccessToken accessToken(String hash, StoredToken stored) {
        return new AccessToken(hash, stored.tenantId(), stored.sessionId(), stored.sessionKind(), stored.customerId(),
                stored.email(), stored.expiresAt(), stored.sessionCreatedAt(), stored.scope(), stored.impersonatedBy());
    }

    /**
     * {@link #authenticate} for a logout, which also takes an access token that a refresh of its own pair retired no
     * more than {@code refresh_reuse_grace} seconds ago, while the session lives: a shopper who logs out in one tab
     * while another tab refreshes would otherwise get 401 and leave the session running on the new pair. Ending a
     * session only takes access away, and within that window a used refresh token counts as such a race too.
     */
    public AccessToken authenticateToEnd(String tenantId, TenantSettings settings, String rawToken) {
        try {
            return authenticate(tenantId, settings, rawToken);
        } catch (ApiError refused) {
            if (!isShopperAccessToken(rawToken)) {
                throw refused;
            }
            Instant now = clock.instant();
            String hash = Secrets.sha256(rawToken);
            return db.read(h -> store.findAccess(h, tenantId, hash))
                    .filter(stored -> stored.retiredByRefreshWithin(settings.refreshReuseGrace(), now))
                    .map(stored -> accessToken(hash, stored))
                    .orElseThrow(() -> refused);
        }
    }

    /**
     * Whether this is a shopper's live access token or unused refresh token of some tenant: sent where another kind
     * is needed (an admin or platform route, or a refresh token as Bearer), the wrong kind (403).
     */
    public boolean isLiveShopperToken(String rawToken) {
        boolean refresh = rawToken != null && rawToken.startsWith("rt_");
        if (rawToken == null || rawToken.length() > 128 || !(refresh || isShopperAccessToken(rawToken))) {
            return false;
        }
        Instant now = clock.instant();
        return db.read(h -> store.findInAnyTenant(h, Secrets.sha256(rawToken), refresh))
                .filter(stored -> stored.usable(now) && stored.usedAt() == null).isPresent();
    }

    private void touch(AccessToken token, Instant now) {
        Instant last = lastTouched.getIfPresent(token.sessionId());
        if (last == null || last.plus(TOUCH_INTERVAL).isBefore(now)) {
            lastTouched.put(token.sessionId(), now);
            db.run(h -> store.touchSession(h, token.tenantId(), token.sessionId(), now.truncatedTo(ChronoUnit.MILLIS)));
        }
    }

    /**
     * Rotates a refresh token. A token already used is theft or a race between tabs: within
     * {@code refresh_reuse_grace} seconds of its first use it yields one more pair, after that it ends the session.
     */
    public Refreshed refresh(String tenantId, TenantSettings settings, SessionKind expectedKind, String rawRefresh,
                             ClientInfo client) {
        if (rawRefresh == null || !rawRefresh.startsWith("rt_")) {
            throw ApiError.invalidRefreshToken();
        }
        String hash = Secrets.sha256(rawRefresh);
        Instant now = now();
        RefreshOutcome outcome;
        try {
            outcome = rotations == null ? null : rotateInBatch(tenantId, settings, expectedKind, hash, now);
            if (outcome == null) {
                outcome = refreshOrRetry(tenantId, settings, expectedKind, hash, now, client);
            }
        } catch (RuntimeException e) {
            throw CommitUncertain.of(e);
        }
        if (outcome.result() == Result.INVALID) {
            throw ApiError.invalidRefreshToken();
        }
        if (outcome.result() == Result.WRONG_KIND) {
            throw ApiError.insufficientScope("This refresh token belongs to another kind of session.");
        }
        evictSession(tenantId, outcome.sessionId());
        if (outcome.result() == Result.REUSED) {
            throw new ApiError(401, "refresh_token_reused",
                    "This refresh token was already used; the session has been ended for safety.")
                    .withHeader("WWW-Authenticate", ApiError.BEARER_INVALID_TOKEN);
        }
        return new Refreshed(outcome.issued(), outcome.owner());
    }

    /**
     * The usual rotation, where the database can do it in one statement, with the others arriving at that moment: null
     * when that changed nothing, and the general way must tell why.
     */
    private RefreshOutcome rotateInBatch(String tenantId, TenantSettings settings, SessionKind kind, String hash,
                                         Instant now) {
        Pair pair = Pair.create(settings, kind, now);
        TokenStore.Rotated rotated;
        try {
            rotated = rotations.submit(new TokenStore.Rotation(tenantId, kind, hash, now, pair,
                    maxLifetime(settings, kind))).orElse(null);
        } catch (RuntimeException e) {
            if (LockConflict.is(e)) {
                return null; // the batch waited too long for a row and was rolled back: this rotation goes alone
            }
            throw e;
        }
        if (rotated == null) {
            return null;
        }
        if (!rotated.sessionLive()) {
            return new RefreshOutcome(Result.INVALID, null, rotated.sessionId(), null);
        }
        // the statement stored the pair ending by the session's end as well
        Pair stored = pair.endingBy(sessionEnd(settings, kind, rotated.sessionCreatedAt()));
        return new RefreshOutcome(Result.ROTATED, stored.issued(rotated.sessionId(), rotated.customerId()),
                rotated.sessionId(), rotated.owner());
    }

    private RefreshOutcome refreshOrRetry(String tenantId, TenantSettings settings, SessionKind expectedKind,
                                          String hash, Instant now, ClientInfo client) {
        try {
            return db.tx(h -> refresh(h, tenantId, settings, expectedKind, hash, now, client));
        } catch (LostRace race) {
            // rolled back; the token now reads as used (the reuse rules apply) or revoked (invalid)
            try {
                return db.tx(h -> refresh(h, tenantId, settings, expectedKind, hash, now, client));
            } catch (LostRace again) {
                return RefreshOutcome.INVALID; // the session ended between this second read and its write
            }
        }
    }

    /** A rotated pair, with the session's customer and their active cart as the rotation read them (none if anonymous). */
    public record Refreshed(Issued issued, CustomerWithCart owner) {
    }

    private RefreshOutcome refresh(Handle h, String tenantId, TenantSettings settings, SessionKind expectedKind,
                                   String hash, Instant now, ClientInfo client) {
        TokenStore.WithOwner found = store.findRefreshWithOwner(h, tenantId, hash).orElse(null);
        StoredToken stored = found == null ? null : found.token();
        if (stored == null || !stored.usable(now)) {
            return RefreshOutcome.INVALID;
        }
        Instant usedAt = stored.usedAt();
        boolean inGrace = usedAt != null && settings.refreshReuseGrace() > 0
                && !now.isAfter(usedAt.plusSeconds(settings.refreshReuseGrace()));
        // A used token past its grace is replayed, whichever endpoint it is sent to: theft detection ends the session.
        if (stored.sessionKind() != expectedKind && (usedAt == null || inGrace)) {
            return RefreshOutcome.WRONG_KIND;
        }
        Instant end = sessionEnd(settings, stored.sessionKind(), stored.sessionCreatedAt());
        if ((usedAt == null || inGrace) && end != null && !end.isAfter(now)) {
            // a limit lowered since the session's last pair: no more pairs (a replay still ends it, below)
            return RefreshOutcome.INVALID;
        }
        if (usedAt == null) {
            Pair pair = Pair.create(settings, stored.sessionKind(), now, stored.sessionCreatedAt());
            if (!store.rotate(h, tenantId, stored.sessionId(), hash, now, pair)) {
                throw new LostRace();
            }
            return new RefreshOutcome(Result.ROTATED, pair.issued(stored.sessionId(), stored.customerId()),
                    stored.sessionId(), found.owner());
        }
        if (inGrace) {
            return new RefreshOutcome(Result.ROTATED, issuePair(h, tenantId, settings, stored.sessionId(),
                    stored.sessionKind(), stored.customerId(), now, stored.sessionCreatedAt(), null),
                    stored.sessionId(), found.owner());
        }
        if (!store.revokeSession(h, tenantId, stored.sessionId(), now)) {
            // ended since it was read (on H2 that read locks nothing): by a logout, or by the account's erasure,
            // after which nothing about the shopper's client may be recorded
            return RefreshOutcome.INVALID;
        }
        audit.record(h, tenantId, stored.customerId(), AuditType.SESSION_REVOKED, client,
                Map.of("reason", "refresh_token_reused", "session_id", stored.sessionId()));
        return new RefreshOutcome(Result.REUSED, null, stored.sessionId(), null);
    }

    /** Another request used the same token between this one's read and its write. */
    private static final class LostRace extends RuntimeException {
        LostRace() {
            super(null, null, false, false);
        }
    }

    private enum Result { ROTATED, INVALID, WRONG_KIND, REUSED }

    private record RefreshOutcome(Result result, Issued issued, String sessionId, CustomerWithCart owner) {
        static final RefreshOutcome INVALID = new RefreshOutcome(Result.INVALID, null, null, null);
        static final RefreshOutcome WRONG_KIND = new RefreshOutcome(Result.WRONG_KIND, null, null, null);
    }

    /**
     * Replaces the presented access token, which stops working at once, with a new pair of later expiry. Its refresh
     * token is revoked (not marked used) with it, so the pair is replaced whole; of two renewals of one token only the
     * first succeeds, the other answers 401 as if it came after.
     */
    public Issued renew(AccessToken token, TenantSettings settings) {
        Instant now = now();
        Issued issued;
        try {
            issued = db.tx(h -> issuePair(h, token.tenantId(), settings, token.sessionId(), token.kind(),
                    token.customerId(), now, token.sessionCreatedAt(), token.tokenHash()));
        } catch (LostRace race) {
            throw ApiError.invalidToken();
        } catch (RuntimeException e) {
            throw CommitUncertain.of(e); // a renewal sent again after it committed finds its token revoked
        } finally {
            evictSession(token.tenantId(), token.sessionId());
        }
        return issued;
    }

    /**
     * Ends a session in the caller's transaction; every node forgets its tokens once that commits. False when it had
     * ended already, perhaps just now by a transaction this one waited for: the caller then has nothing to record.
     */
    public boolean revokeSession(Handle h, String tenantId, String sessionId) {
        boolean ended = store.revokeSession(h, tenantId, sessionId, now());
        Database.afterCommit(h, () -> evictSession(tenantId, sessionId));
        return ended;
    }

    /**
     * Ends every live session of a customer except {@code keepSessionId} (may be null), in two statements however many
     * there are; returns how many. Every node then forgets the customer's cached tokens at once. The session kept is
     * the caller's: 401 {@code invalid_token} when it has ended since its token was checked (two devices each ending
     * the other's sessions at once: the second finds itself ended by the first).
     */
    public int revokeCustomerSessions(Handle h, String tenantId, String customerId, String keepSessionId) {
        int revoked = store.revokeLiveSessions(h, tenantId, customerId, keepSessionId, now())
                .orElseThrow(ApiError::invalidToken);
        customerSessionsEnded.forEach(listener -> listener.sessionsEnded(h, tenantId, List.of(customerId)));
        if (revoked > 0) {
            // once, with the invalidation of a write to the customer's row in this transaction (a new password, the
            // erasure): it drops their cached tokens as well as their profile
            Database.afterCommitEach(h, List.of(new Invalidation(Invalidation.Kind.CUSTOMER, tenantId, customerId)),
                    invalidations::publishAll);
        }
        return revoked;
    }

    /**
     * {@link #revokeCustomerSessions} for many customers at once (none kept), in a few statements however many
     * customers and sessions there are; answers how many sessions of each customer it ended (a customer with none is
     * left out). It publishes nothing: the caller changes these customers' rows in the same transaction, and the
     * one {@link Invalidation.Kind#CUSTOMER} per customer that the change publishes after the commit has every node
     * forget their cached tokens as well as their profile.
     */
    public Map<String, Integer> revokeSessionsOfCustomers(Handle h, String tenantId, List<String> customerIds) {
        if (customerIds.isEmpty()) {
            return Map.of();
        }
        Map<String, Integer> revoked = store.revokeLiveSessionsOfAll(h, tenantId, customerIds, now());
        customerSessionsEnded.forEach(listener -> listener.sessionsEnded(h, tenantId, customerIds));
        return revoked;
    }

    /**
     * Ends, in the caller's transaction, the tenant's live impersonations that {@code impersonatedBy} (a staff
     * member's or secret key's id) started, or every one of them when null: the change the caller makes takes from
     * that person or key what let them start one. Each is recorded about its customer as {@code session.revoked}
     * with {@code reason}, made by {@code actor}. Once the transaction commits, every node forgets the sessions'
     * tokens and whatever the caller passes in {@code alongWith}, in one publication (one wait for the nodes).
     */
    public void endImpersonations(Handle h, String tenantId, String impersonatedBy, String reason, Actor actor,
                                  ClientInfo client, List<Invalidation> alongWith) {
        List<TokenStore.EndedImpersonation> ended = store.endImpersonations(h, tenantId, impersonatedBy, now());
        audit.recordAll(h, ended.stream().map(session -> new AuditLog.Entry(tenantId, session.customerId(),
                AuditType.SESSION_REVOKED, client, actor.with(Map.of("reason", reason,
                        "session_id", session.sessionId())))).toList());
        List<Invalidation> all = new ArrayList<>(alongWith);
        ended.forEach(session -> all.add(new Invalidation(Invalidation.Kind.SESSION, tenantId, session.sessionId())));
        if (!all.isEmpty()) {
            Database.afterCommit(h, () -> invalidations.publishAll(all));
        }
    }

    /**
     * For a change a shopper asks for, inside the transaction that holds their customer row: 401 {@code invalid_token}
     * when the caller's session has ended since its token was checked (another of their devices logged this one out
     * meanwhile). Locks it, and {@code alsoLock} with it in key order, so neither can end before this transaction
     * commits.
     */
    public void requireUnended(Handle h, AccessToken caller, String... alsoLock) {
        List<String> ids = new ArrayList<>(List.of(alsoLock));
        ids.add(caller.sessionId());
        if (!store.lockUnendedSessions(h, caller.tenantId(), caller.customerId(), ids).contains(caller.sessionId())) {
            throw ApiError.invalidToken();
        }
    }

    /**
     * {@link #requireUnended} without locking the session, for a transaction that must take sessions only after their
     * token pairs (the erasure). It sees what another device of the shopper's did under the customer row's lock.
     */
    public void requireUnendedWithoutLock(Handle h, AccessToken caller) {
        if (!store.isUnended(h, caller.tenantId(), caller.sessionId())) {
            throw ApiError.invalidToken();
        }
    }

    /** Every node forgets these sessions' cached tokens once the caller's transaction, which deletes them, commits. */
    public void forgetSessionsAfterCommit(Handle h, String tenantId, List<String> sessionIds) {
        if (!sessionIds.isEmpty()) {
            Database.afterCommit(h, () -> sessionIds.forEach(id -> evictSession(tenantId, id)));
        }
    }

    private void evictSession(String tenantId, String sessionId) {
        invalidations.publish(new Invalidation(Invalidation.Kind.SESSION, tenantId, sessionId));
    }

    private void onInvalidation(Invalidation invalidation) {
        switch (invalidation.kind()) {
            case SESSION -> cache.evictSession(invalidation.tenantId(), invalidation.key());
            case CUSTOMER -> cache.evictCustomer(invalidation.tenantId(), invalidation.key());
            case ALL -> cache.clear();
            case API_KEY, TENANT -> {
                // tokens do not depend on keys or settings
            }
        }
    }

    /**
     * Deletes the tenant's tokens and sessions that expired more than a day ago: an expired token answers 401 whether
     * its row is there or not, so the rows only cost space. The day covers clocks of nodes that disagree. The
     * listeners then remove what only those sessions could reach, in the same transaction.
     */
    public int purgeExpired(Handle h, String tenantId, Instant now) {
        TokenStore.Expired expired = store.deleteExpired(h, tenantId, now.minus(Duration.ofDays(1)));
        if (!expired.sessionIds().isEmpty()) {
            sessionsDeleted.forEach(listener -> listener.sessionsDeleted(h, tenantId, expired.sessionIds()));
        }
        return expired.rows();
    }

    /**
     * {@code listener} hears of the sessions the purge may have deleted (some of the ids may still be there): the
     * guest carts of anonymous sessions, which nobody can reach once their session is gone.
     */
    public void onSessionsDeleted(SessionsDeletedListener listener) {
        sessionsDeleted.add(listener);
    }

    /**
     * {@code listener} hears, in the transaction, of every time a customer's sessions are ended together (a new
     * password, the merchant's status change or revocation, the shopper's "log out everywhere else"): what would soon
     * become a session must end with them, a login still waiting for its second factor.
     */
    public void onCustomerSessionsEnded(SessionsEndedListener listener) {
        customerSessionsEnded.add(listener);
    }

    @FunctionalInterface
    public interface SessionsDeletedListener {
        void sessionsDeleted(Handle h, String tenantId, List<String> candidateSessionIds);
    }

    private static long accessTtl(TenantSettings settings, SessionKind kind) {
        return kind == SessionKind.CUSTOMER ? settings.accessTokenTtl() : settings.anonymousTokenTtl();
    }

    private static long refreshTtl(TenantSettings settings, SessionKind kind) {
        return kind == SessionKind.CUSTOMER ? settings.refreshTokenTtl() : settings.anonymousRefreshTtl();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Stops the rotations' batching thread (after the HTTP server, before the database). */
    @Override
    public void close() {
        if (rotations != null) {
            rotations.close();
        }
    }
}
