package dev.latchkey.lockout;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class LockStateTest {
    private static final Instant T0 = Instant.parse("2026-05-08T13:00:00Z");
    private static final LockState CLEAR = new LockState(0, 0, null, null);
    private static final Duration FIFTEEN_MINUTES = Duration.ofMinutes(15);

    private static LockState fail(LockState state, Instant at, int times) {
        LockState current = state;
        for (int i = 0; i < times; i++) {
            current = current.afterFailure(at, 3, FIFTEEN_MINUTES);
        }
        return current;
    }

    @Test
    void afterFailureWhenThresholdReachedThenLockedForTheFirstDuration() {
        LockState twice = fail(CLEAR, T0, 2);
        assertThat(twice.locked(T0)).isFalse();
        LockState locked = twice.afterFailure(T0, 3, FIFTEEN_MINUTES);
        assertThat(locked.lockedUntil()).isEqualTo(T0.plus(FIFTEEN_MINUTES));
        assertThat(locked.lockCount()).isEqualTo(1);
        assertThat(locked.failedAttempts()).isEqualTo(3);
    }

    @Test
    void lockDurationDoublesAndStopsAtADay() {
        assertThat(LockState.lockDuration(FIFTEEN_MINUTES, 1)).isEqualTo(Duration.ofMinutes(15));
        assertThat(LockState.lockDuration(FIFTEEN_MINUTES, 2)).isEqualTo(Duration.ofMinutes(30));
        assertThat(LockState.lockDuration(FIFTEEN_MINUTES, 3)).isEqualTo(Duration.ofHours(1));
        assertThat(LockState.lockDuration(FIFTEEN_MINUTES, 7)).isEqualTo(Duration.ofHours(16));
        assertThat(LockState.lockDuration(FIFTEEN_MINUTES, 8)).isEqualTo(Duration.ofHours(24));
        assertThat(LockState.lockDuration(FIFTEEN_MINUTES, Integer.MAX_VALUE)).isEqualTo(Duration.ofHours(24));
        assertThat(LockState.lockDuration(Duration.ofHours(20), 2)).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void currentWhenLockExpiredThenFailuresStartAgainButLocksStillCount() {
        LockState locked = fail(CLEAR, T0, 3);
        Instant after = T0.plus(FIFTEEN_MINUTES);
        LockState current = locked.current(after);
        assertThat(current.locked(after)).isFalse();
        assertThat(current.failedAttempts()).isZero();
        assertThat(current.lockCount()).isEqualTo(1);
        LockState second = fail(locked, after, 3);
        assertThat(second.lockedUntil()).isEqualTo(after.plus(Duration.ofMinutes(30)));
    }

    @Test
    void currentWhenADayWithoutFailuresThenEarlierLocksAreForgotten() {
        LockState locked = fail(CLEAR, T0, 3);
        Instant nextDay = T0.plus(LockState.QUIET_PERIOD);
        assertThat(locked.current(nextDay).lockCount()).isZero();
        LockState again = fail(locked, nextDay, 3);
        assertThat(again.lockedUntil()).isEqualTo(nextDay.plus(FIFTEEN_MINUTES));
    }

    @Test
    void afterSuccessThenFailuresAreForgottenAndLocksRemembered() {
        LockState locked = fail(CLEAR, T0, 3);
        Instant later = T0.plus(Duration.ofHours(1));
        LockState ok = fail(locked, later, 2).afterSuccess(later);
        assertThat(ok.failedAttempts()).isZero();
        assertThat(ok.lockCount()).isEqualTo(1);
        assertThat(ok.locked(later)).isFalse();
    }
}
