package dev.latchkey.staff;

import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.auth.Secrets;
import dev.latchkey.auth.SessionsEndedListener;
import dev.latchkey.auth.StaffTokens;
import dev.latchkey.db.Database;
import dev.latchkey.http.ClientInfo;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Staff sessions: issued at login, checked on every request by one indexed lookup, ended by logout or when the staff
 * member is removed. Nothing is cached, so a revocation or a role change applies on the very next request on every
 * node; staff traffic is small next to the shoppers'.
 */
public final class StaffSessions implements StaffTokens {
    /** last_used_at is written at most this often; the idle timeout is measured from it. */
    private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

    /**
     * How long a dashboard session stays confirmed after its staff member re-entered their password in it: the pages
     * that could hand the shop to someone else ask for it again after this (OWASP ASVS 4.0 3.7.1).
     */
    public static final Duration CONFIRMATION_WINDOW = Duration.ofMinutes(10);

    /** A new session: the token (shown once) and when it ends at the latest. */
    public record Issued(String token, Instant expiresAt) {
    }

    private final Database db;
    private final StaffSessionStore store = new StaffSessionStore();
    private final StaffStore members = new StaffStore();
    private final Clock clock;
    private final Predicate<String> suspendedTenant;
    private final List<SessionsEndedListener> sessionsEnded = new CopyOnWriteArrayList<>();

    /**
     * {@code suspendedTenant} tells whether the operator suspended a tenant: its staff's requests are refused, and must
     * not keep their sessions from running idle meanwhile.
     */
    public StaffSessions(Database db, Clock clock, Predicate<String> suspendedTenant) {
        this.db = db;
        this.clock = clock;
        this.suspendedTenant = suspendedTenant;
    }

    Issued issue(Handle h, String tenantId, String staffId, StaffSessionKind kind, ClientInfo client) {
        String token = Secrets.secret(kind.prefix());
        Instant now = now();
        store.insert(h, Secrets.sha256(token), tenantId, Secrets.id("sts"), staffId, kind, client, now);
        return new Issued(token, now.plus(kind.lifetime()));
    }

    /**
     * A live session: the staff member it stands for, whether it is confirmed now, and whether its member has a second
     * factor now (read with the session, so that a reset or a set-up applies on the next request).
     */
    public record Live(AdminPrincipal principal, boolean confirmed, boolean mfaEnabled) {
    }

    /** Bearer {@code stf_...} on admin routes. */
    @Override
    public Optional<StaffTokens.Caller> authenticate(String rawToken) {
        return authenticate(rawToken, StaffSessionKind.API)
                .map(live -> new StaffTokens.Caller(live.principal(), live.mfaEnabled()));
    }

    /**
     * The live session of this kind and token, read with its confirmation in the one lookup every request makes;
     * counts as activity for the idle timeout.
     */
    public Optional<Live> authenticate(String rawToken, StaffSessionKind kind) {
        if (!kind.marks(rawToken)) {
            return Optional.empty();
        }
        String hash = Secrets.sha256(rawToken);
        Instant now = now();
        Optional<StaffSessionStore.Row> found = db.read(h -> store.find(h, hash))
                .filter(row -> row.kind().equals(kind.wire()) && live(row, now));
        found.filter(row -> !now.isBefore(row.lastUsedAt().plus(TOUCH_INTERVAL))
                        && !suspendedTenant.test(row.tenantId()))
                .ifPresent(row -> db.run(h -> store.touch(h, row.tenantId(), hash, now)));
        return found.map(row -> new Live(principal(row), confirmed(row, now), row.mfaEnabled()));
    }

    @Override
    public Optional<StaffTokens.Caller> lockAndAuthenticate(Handle h, String tenantId, String staffId,
                                                            String rawToken) {
        if (rawToken == null || !StaffSessionKind.API.marks(rawToken)
                || members.findAccountById(h, tenantId, staffId, true).isEmpty()) {
            return Optional.empty();
        }
        Instant now = now();
        return store.find(h, Secrets.sha256(rawToken))
                .filter(row -> row.kind().equals(StaffSessionKind.API.wire()) && live(row, now)
                        && row.tenantId().equals(tenantId) && row.staffId().equals(staffId))
                .map(row -> new StaffTokens.Caller(principal(row), row.mfaEnabled()));
    }

    private static AdminPrincipal principal(StaffSessionStore.Row row) {
        return new AdminPrincipal(row.tenantId(), AdminPrincipal.Role.valueOf(row.role().toUpperCase()),
                row.staffId());
    }

    private static boolean confirmed(StaffSessionStore.Row row, Instant now) {
        return row.confirmedAt() != null && now.isBefore(row.confirmedAt().plus(CONFIRMATION_WINDOW));
    }

    /** Confirms the session of this token from now on, in {@code h}: its member has just re-entered their password. */
    void confirm(Handle h, String tenantId, String rawToken) {
        store.confirm(h, tenantId, Secrets.sha256(rawToken), now());
    }

    @Override
    public boolean isLive(String rawToken) {
        if (Arrays.stream(StaffSessionKind.values()).noneMatch(kind -> kind.marks(rawToken))) {
            return false;
        }
        Instant now = now();
        return db.read(h -> store.find(h, Secrets.sha256(rawToken))).filter(row -> live(row, now)).isPresent();
    }

    private static boolean live(StaffSessionStore.Row row, Instant now) {
        // API tokens issued before they had an idle timeout have none stored: their 12 hours still end them
        boolean idle = row.idleSeconds() != null && !now.isBefore(row.lastUsedAt().plusSeconds(row.idleSeconds()));
        return row.revokedAt() == null && now.isBefore(row.expiresAt()) && !idle;
    }

    /** Ends the session of this token; returns whether a live one was ended. */
    public boolean revoke(String rawToken) {
        if (rawToken == null || rawToken.length() > 128) {
            return false;
        }
        return db.tx(h -> store.revoke(h, Secrets.sha256(rawToken), now()));
    }

    /** Ends every session of the staff member but the one of {@code keptToken} (none when null), in {@code h}. */
    void revokeAllOf(Handle h, String tenantId, String staffId, String keptToken) {
        store.revokeAllOf(h, tenantId, staffId, keptToken == null ? null : Secrets.sha256(keptToken), now());
        sessionsEnded.forEach(listener -> listener.sessionsEnded(h, tenantId, List.of(staffId)));
    }

    /**
     * {@code listener} hears, in the transaction, of every time a member's sessions end together (a new password, their
     * second factor set up): a dashboard or API login still waiting for its second factor ends with them.
     */
    public void onSessionsEnded(SessionsEndedListener listener) {
        sessionsEnded.add(listener);
    }

    /** Deletes the tenant's staff sessions that expired more than a day ago (the day covers disagreeing clocks). */
    public int purgeExpired(Handle h, String tenantId, Instant now) {
        return store.deleteExpired(h, tenantId, now.minus(Duration.ofDays(1)));
    }

    void deleteAllOf(Handle h, String tenantId, String staffId) {
        store.deleteAllOf(h, tenantId, staffId);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
