package dev.latchkey.lockout;

import dev.latchkey.tenant.TenantSettings;

import java.time.Duration;
import java.time.Instant;

/**
 * An account's failed-login bookkeeping (the lockout columns of its customer row). A lock lasts {@code lockout_duration}
 * doubled for each earlier lock, at most {@link #MAX_LOCK}. An expired lock starts the failure count afresh; a day
 * without failures ({@link #QUIET_PERIOD}) forgets earlier locks too, so the doubling only hits a sustained attack.
 */
public record LockState(int failedAttempts, int lockCount, Instant lockedUntil, Instant lastFailureAt) {
    public static final Duration MAX_LOCK = Duration.ofHours(24);
    public static final Duration QUIET_PERIOD = Duration.ofHours(24);
    /** No failures and no lock, now or before. */
    public static final LockState NONE = new LockState(0, 0, null, null);

    /** One login attempt decided: what it comes to, the state to store, and whether it locked the account just now. */
    public record Decision(LockoutService.Verdict verdict, LockState next, boolean lockedNow) {
    }

    /**
     * Decides an attempt whose password was already checked, under the tenant's threshold and first lock duration.
     * Customers and staff accounts follow these same rules.
     */
    public Decision decide(Instant now, boolean passwordOk, TenantSettings settings) {
        if (locked(now)) {
            // attempts during a lock keep the quiet period from starting, but do not lengthen the lock
            LockState next = passwordOk ? this : new LockState(failedAttempts, lockCount, lockedUntil, now);
            return new Decision(LockoutService.Verdict.LOCKED, next, false);
        }
        if (passwordOk) {
            return new Decision(LockoutService.Verdict.ALLOWED, afterSuccess(now), false);
        }
        LockState next = afterFailure(now, settings.lockoutThreshold(), Duration.ofSeconds(settings.lockoutDuration()));
        return new Decision(LockoutService.Verdict.WRONG_PASSWORD, next, next.locked(now));
    }

    public boolean locked(Instant now) {
        return lockedUntil != null && now.isBefore(lockedUntil);
    }

    /** The state as it counts at {@code now}, with expired locks and forgotten failures dropped. */
    public LockState current(Instant now) {
        boolean quiet = lastFailureAt != null && !now.isBefore(lastFailureAt.plus(QUIET_PERIOD));
        boolean lockExpired = lockedUntil != null && !locked(now);
        return new LockState(quiet || lockExpired ? 0 : failedAttempts, quiet ? 0 : lockCount,
                locked(now) ? lockedUntil : null, lastFailureAt);
    }

    /** After one more failed attempt on an account that is not locked; locks when the threshold is reached. */
    LockState afterFailure(Instant now, int threshold, Duration firstLock) {
        LockState current = current(now);
        int failures = current.failedAttempts + 1;
        if (failures < threshold) {
            return new LockState(failures, current.lockCount, null, now);
        }
        int locks = current.lockCount + 1;
        return new LockState(failures, locks, now.plus(lockDuration(firstLock, locks)), now);
    }

    /** The length of the {@code lockNumber}-th lock in a row: doubling from {@code firstLock}, capped at a day. */
    static Duration lockDuration(Duration firstLock, int lockNumber) {
        Duration duration = firstLock;
        for (int i = 1; i < lockNumber && duration.compareTo(MAX_LOCK) < 0; i++) {
            duration = duration.multipliedBy(2);
        }
        return duration.compareTo(MAX_LOCK) > 0 ? MAX_LOCK : duration;
    }

    /** After a correct password: the failures are forgotten, earlier locks still count towards the next one. */
    LockState afterSuccess(Instant now) {
        LockState current = current(now);
        return new LockState(0, current.lockCount, null, lastFailureAt);
    }
}
