package dev.latchkey.auth;

import dev.latchkey.audit.Actor;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.Cursor;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Page;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.tenant.TenantSettings;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.Map;

/**
 * A customer's view of their own sessions: list the live ones, end one or all others. Revocation goes through
 * {@link TokenService}, which evicts its cache, so an ended session's token fails on the very next request.
 */
public final class SessionService {
    private static final int PAIRS_BATCH = 500;
    private final Database db;
    private final SessionStore store = new SessionStore();
    private final TokenService tokens;
    private final TenantService tenants;
    private final CustomerService customers;
    private final AuditLog audit;
    private final Clock clock;

    public SessionService(Database db, TokenService tokens, TenantService tenants, CustomerService customers,
                          AuditLog audit, Clock clock) {
        this.db = db;
        this.tokens = tokens;
        this.tenants = tenants;
        this.customers = customers;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * The customer's live sessions, newest first. One that reached its end ({@code session_max_lifetime} after its
     * login, a limit lowered since its last pair perhaps) is over, whatever its stored expiry says; one short of it
     * shows the earlier of the two.
     */
    public Page<Session> list(String tenantId, String customerId, String currentSessionId, Cursor after, int limit) {
        return page(tenantId, customerId, currentSessionId, after, limit, SessionRecord::asShownToCustomer);
    }

    /** {@link #list} with each row as {@code shown} presents it to its reader. */
    private Page<Session> page(String tenantId, String customerId, String currentSessionId, Cursor after, int limit,
                               UnaryOperator<SessionRecord> shown) {
        Instant now = clock.instant();
        TenantSettings settings = tenants.settings(tenantId);
        List<Session> rows = db.read(h -> store.live(h, tenantId, customerId, now, bornAfter(settings, now), after,
                        limit + 1))
                .stream().map(r -> Session.of(shown.apply(r), currentSessionId,
                        TokenService.sessionEnd(settings, SessionKind.CUSTOMER, r.createdAt())))
                .toList();
        return Page.of(rows, limit, Listing.SESSIONS, last -> new Cursor(last.createdAt(), last.id()));
    }

    /** When the oldest session that has not reached its end started: the tenant's {@code session_max_lifetime} ago. */
    static Instant bornAfter(TenantSettings settings, Instant now) {
        return now.minusSeconds(settings.sessionMaxLifetime());
    }

    /** Every session held about the customer, ended ones included, as the customer is shown them. */
    public List<SessionRecord> history(String tenantId, String customerId) {
        return db.read(h -> store.all(h, tenantId, customerId)).stream().map(SessionRecord::asShownToCustomer)
                .toList();
    }

    /**
     * The customer ends one of their live sessions; any other id, ended or another customer's, is not found, and a
     * caller whose own session ended meanwhile gets 401. Recorded as {@code session.revoked} with reason
     * {@code customer}. The customer row is locked first, as the erasure locks
     * it: a request that meets the erasure waits for it and finds the account gone (401), instead of recording the
     * shopper's IP address and user agent after the erasure removed them.
     */
    public void revoke(AccessToken caller, String sessionId, ClientInfo client) {
        String tenantId = caller.tenantId();
        String customerId = caller.customerId();
        db.tx(h -> {
            customers.lockOwn(h, tenantId, customerId);
            tokens.requireUnended(h, caller, sessionId);
            revokeLive(h, tenantId, customerId, sessionId);
            audit.record(h, tenantId, customerId, AuditType.SESSION_REVOKED, client,
                    Map.of("reason", "customer", "session_id", sessionId));
            return null;
        });
    }

    private void revokeLive(Handle h, String tenantId, String customerId, String sessionId) {
        // the second of two requests ending one session at once finds it ended by the first
        Instant now = clock.instant();
        if (!store.isLive(h, tenantId, customerId, sessionId, now, bornAfter(tenants.settings(tenantId), now))
                || !tokens.revokeSession(h, tenantId, sessionId)) {
            throw ApiError.notFound("Session");
        }
    }

    /**
     * The merchant's view of a customer's live sessions (none is "current"), an impersonation's with the staff member
     * or key that holds it; 404 for a customer of another tenant.
     */
    public Page<Session> listForAdmin(String tenantId, String customerId, Cursor after, int limit) {
        customers.get(tenantId, customerId);
        return page(tenantId, customerId, null, after, limit, UnaryOperator.identity());
    }

    /** The merchant ends one live session of the customer, recorded as {@code session.revoked} by the admin. */
    public void revokeByAdmin(String tenantId, String customerId, String sessionId, Actor actor, ClientInfo client) {
        db.tx(h -> {
            revokeLive(h, tenantId, customerId, sessionId);
            audit.record(h, tenantId, customerId, AuditType.SESSION_REVOKED, client,
                    actor.with(Map.of("reason", "admin", "session_id", sessionId)));
            return null;
        });
    }

    /**
     * The merchant ends every session of the customer; 404 for a customer of another tenant. Every node forgets the
     * customer's tokens by the one invalidation {@link TokenService#revokeCustomerSessions} publishes after the commit,
     * which also covers a token a request cached meanwhile (the cache keeps nothing read before an invalidation).
     */
    public void revokeAllByAdmin(String tenantId, String customerId, Actor actor, ClientInfo client) {
        db.tx(h -> {
            customers.lockExisting(h, tenantId, customerId);
            int revoked = tokens.revokeCustomerSessions(h, tenantId, customerId, null);
            audit.record(h, tenantId, customerId, AuditType.SESSION_REVOKED, client,
                    actor.with(Map.of("reason", "admin", "count", revoked)));
            return null;
        });
    }

    /**
     * The customer ends every session but the one asking; recorded with reason {@code customer} and the count. Locks
     * the customer row first, as {@link #revoke} does. Published once after the commit, as {@link #revokeAllByAdmin}.
     */
    public void revokeOthers(String tenantId, String customerId, String keepSessionId, ClientInfo client) {
        db.tx(h -> {
            customers.lockOwn(h, tenantId, customerId);
            int revoked = tokens.revokeCustomerSessions(h, tenantId, customerId, keepSessionId);
            audit.record(h, tenantId, customerId, AuditType.SESSION_REVOKED, client,
                    Map.of("reason", "customer", "count", revoked));
            return null;
        });
    }

    /**
     * Part of the account erasure, inside its transaction: removes the sessions' tokens, then ends and removes the
     * sessions. Tokens first, in the lock order of a rotation (its pair, then its session: {@code TokenStore}): ending
     * the sessions first had the erasure hold a session's row while it waited for a pair that a rotation held, and the
     * rotation wait for that session's row, a deadlock that failed one of the two with a 500. The customer's cached
     * tokens go with the one invalidation that the removal of the customer's row publishes after the commit.
     */
    public void erase(Handle h, String tenantId, String customerId) {
        // the erasure holds the customer's row, so no login adds a session meanwhile: these are all there are
        List<String> guestIds = store.claimedGuestIds(h, tenantId, customerId);
        List<String> sessionIds = new ArrayList<>(store.ids(h, tenantId, customerId));
        sessionIds.addAll(guestIds);
        forEachBatch(sessionIds, batch -> store.deletePairs(h, tenantId, batch));
        tokens.revokeCustomerSessions(h, tenantId, customerId, null);
        store.deleteSessions(h, tenantId, customerId);
        // the guest sessions the customer's carts were claimed from hold the customer's address and device
        forEachBatch(guestIds, batch -> store.deleteSessions(h, tenantId, batch));
        tokens.forgetSessionsAfterCommit(h, tenantId, guestIds);
        Database.afterCommit(h, () -> deleteLatePairs(tenantId, sessionIds));
    }

    /**
     * By lists of ids: one statement that joined the customer's sessions to the pairs was planned as a scan of every
     * pair in the database once a customer had a few thousand sessions (half a second inside the erasure).
     */
    private static void forEachBatch(List<String> sessionIds, Consumer<List<String>> work) {
        for (int from = 0; from < sessionIds.size(); from += PAIRS_BATCH) {
            work.accept(sessionIds.subList(from, Math.min(sessionIds.size(), from + PAIRS_BATCH)));
        }
    }

    /**
     * A rotation or renewal the erasure waited for inserted its new pair after the erasure's delete had looked. Once
     * the erasure committed, such pairs go in transactions of their own, which hold no session: deleting them inside
     * the erasure, after it took the sessions, reversed the lock order above and deadlocked with a rotation of that
     * very pair. A rotation still in flight finds its session gone and inserts nothing.
     */
    private void deleteLatePairs(String tenantId, List<String> sessionIds) {
        forEachBatch(sessionIds, batch -> db.tx(h -> {
            store.deletePairs(h, tenantId, batch);
            return null;
        }));
    }
}
