package dev.latchkey.lockout;

import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.db.Database;
import dev.latchkey.db.DatabaseErrors;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.ratelimit.LimitedAction;
import dev.latchkey.ratelimit.RateLimits;
import dev.latchkey.tenant.TenantSettings;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Account lockout (OWASP ASVS 5.0 V6.3.1, NIST SP 800-63B 5.2.2): {@code lockout_threshold} failed logins in a row lock
 * the account for {@code lockout_duration}, each further lock twice as long up to a day. Only a correct password
 * resets the failure count; while locked, even the correct password is refused. The merchant, a password reset or
 * change, and a login code that proves the address for the first time clear everything.
 */
public final class LockoutService {
    private static final Logger log = LoggerFactory.getLogger(LockoutService.class);
    /** No customer id has this form (ids are cus_ plus 22 base62 characters). */
    private static final String NO_CUSTOMER = "cus_-";

    /** What a login attempt on a known account comes to. */
    public enum Verdict { ALLOWED, LOCKED, WRONG_PASSWORD }

    /** Who cleared a lock, as the audit log records it. */
    public enum UnlockReason {
        ADMIN("admin"), PASSWORD_RESET("password_reset"), PASSWORD_CHANGE("password_change"),
        /** A login code proved the address for the first time: its previous holder's ways in and failures end. */
        ADDRESS_PROVEN_BY_CODE("address_proven_by_code");

        private final String wire;

        UnlockReason(String wire) {
            this.wire = wire;
        }
    }

    /**
     * The merchant's view, and the lockout section of the customer's data export: {@code locked_until} only while
     * locked; failures, and the locks in a row that lengthen the next one ({@code lock_count}), as they count now.
     */
    public record Status(boolean locked, Instant lockedUntil, int failedAttempts, int lockCount,
                         Instant lastFailureAt) {
    }

    private record Outcome(Verdict verdict, AccountLocked lockedNow) {
    }

    private final Database db;
    private final LockoutStore store = LockoutStore.CUSTOMERS;
    private final AuditLog audit;
    private final List<LockListener> listeners;
    private final RateLimits limits;
    private final Clock clock;

    public LockoutService(Database db, AuditLog audit, List<LockListener> listeners, RateLimits limits, Clock clock) {
        this.limits = limits;
        this.db = db;
        this.audit = audit;
        this.listeners = List.copyOf(listeners);
        this.clock = clock;
    }

    /**
     * Books a login attempt with a wrong password on a known account, in a transaction of its own, and decides it:
     * {@code WRONG_PASSWORD}, or {@code LOCKED} when the account is (or now becomes) locked. Listeners hear of a lock
     * after it is stored.
     */
    public Verdict attemptWithWrongPassword(String tenantId, TenantSettings settings, String customerId, String email,
                                            ClientInfo client) {
        Outcome outcome = db.tx(h -> decide(h, tenantId, settings, customerId,
                store.find(h, tenantId, customerId, true).orElse(null), email, false, client));
        if (outcome.lockedNow() != null) {
            notifyListeners(outcome.lockedNow());
        }
        return outcome.verdict();
    }

    /**
     * Books a login attempt with the correct password, in the caller's transaction, which holds the account's row and
     * read its lockout columns ({@code stored}, see {@link LockoutStore#state}) with the lock: a login joins it with
     * opening its session. {@code ALLOWED} resets the failures; {@code LOCKED} while a lock lasts. A correct password
     * never locks, so there is nobody to tell.
     */
    public Verdict attemptWithCorrectPassword(Handle h, String tenantId, TenantSettings settings, String customerId,
                                              LockState stored) {
        return decide(h, tenantId, settings, customerId, stored, null, true, null).verdict();
    }

    /**
     * A right first factor of an account that has a second one: refused while locked, but the failures stay counted
     * until the second factor is right too. Cleared here, they would let whoever has the password guess codes without
     * ever reaching the threshold.
     */
    public Verdict attemptWithFirstFactor(LockState stored) {
        if (stored == null) {
            return Verdict.WRONG_PASSWORD;
        }
        return stored.locked(now()) ? Verdict.LOCKED : Verdict.ALLOWED;
    }

    private Outcome decide(Handle h, String tenantId, TenantSettings settings, String customerId, LockState stored,
                           String email, boolean passwordOk, ClientInfo client) {
        Instant now = now();
        if (stored == null) {
            return new Outcome(Verdict.WRONG_PASSWORD, null);
        }
        LockState.Decision decision = stored.decide(now, passwordOk, settings);
        if (!decision.next().equals(stored)) {
            store.write(h, tenantId, customerId, decision.next());
        }
        LockState next = decision.next();
        AccountLocked lockedNow = decision.lockedNow() ? new AccountLocked(tenantId, customerId, email,
                next.lockedUntil(), next.lockCount(), Duration.between(now, next.lockedUntil()).toSeconds(),
                client) : null;
        return new Outcome(decision.verdict(), lockedNow);
    }

    /**
     * For a login on an email that has no account: the same transaction and locked row lookup as
     * {@link #attemptWithWrongPassword}
     * (which finds nothing), so that an unknown email costs what a known one does.
     */
    public void attemptUnknown(String tenantId) {
        db.tx(h -> store.find(h, tenantId, NO_CUSTOMER, true));
    }

    private void notifyListeners(AccountLocked event) {
        for (LockListener listener : listeners) {
            try {
                listener.locked(event);
            } catch (RuntimeException e) {
                log.warn("lock listener {} failed for customer {}", listener.getClass().getSimpleName(),
                        event.customerId(), DatabaseErrors.withoutValues(e));
            }
        }
    }

    public Status status(String tenantId, String customerId) {
        Instant now = now();
        LockState state = db.read(h -> store.find(h, tenantId, customerId, false))
                .orElseThrow(() -> ApiError.notFound("Customer")).current(now);
        return new Status(state.locked(now), state.lockedUntil(), state.failedAttempts(), state.lockCount(),
                state.lastFailureAt());
    }

    /** The merchant's unlock: clears failures and earlier locks. 404 for an id not of this tenant. */
    public void unlock(String tenantId, String customerId, ClientInfo client) {
        String email = db.tx(h -> clear(h, tenantId, customerId, UnlockReason.ADMIN, client)
                ? store.email(h, tenantId, customerId) : null);
        if (email == null) {
            throw ApiError.notFound("Customer");
        }
        // the login and recovery buckets of the address too, which anyone may have spent by trying it: the merchant
        // means to let the shopper in now, with their password or by resetting it
        limits.forgetAccount(tenantId, LimitedAction.LOGIN, email);
        limits.forgetAccount(tenantId, LimitedAction.RECOVERY, email);
    }

    /**
     * Clears the lockout inside the caller's transaction (every password change calls this). Records the unlock when the
     * merchant asked or when there was anything to clear. Returns false when the customer does not exist.
     */
    public boolean clear(Handle h, String tenantId, String customerId, UnlockReason reason, ClientInfo client) {
        Instant now = now();
        LockState stored = store.find(h, tenantId, customerId, true).orElse(null);
        if (stored == null) {
            return false;
        }
        LockState current = stored.current(now);
        boolean anything = current.locked(now) || current.failedAttempts() > 0 || current.lockCount() > 0;
        store.write(h, tenantId, customerId, new LockState(0, 0, null, stored.lastFailureAt()));
        if (reason == UnlockReason.ADMIN || anything) {
            audit.record(h, tenantId, customerId, AuditType.ACCOUNT_UNLOCKED, client,
                    Map.of("by", reason.wire, "was_locked", current.locked(now)));
        }
        return true;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
