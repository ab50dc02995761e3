package dev.latchkey.ratelimit;

import dev.latchkey.testing.TestClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryRateLimiterTest {
    private final TestClock clock = new TestClock();
    private final RateLimiter limiter = new InMemoryRateLimiter(clock);
    private final Quota threePerMinute = new Quota(3, Duration.ofMinutes(1));

    @Test
    void tryConsumeWhenBucketSpentThenRefusedWithTimeToNextToken() {
        for (int remaining = 2; remaining >= 0; remaining--) {
            var probe = limiter.tryConsume("k", threePerMinute);
            assertThat(probe.allowed()).isTrue();
            assertThat(probe.remaining()).isEqualTo(remaining);
        }
        var refused = limiter.tryConsume("k", threePerMinute);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.secondsUntilNext()).isBetween(19L, 20L);
    }

    @Test
    void tryConsumeWhenClockMovesOnThenTokensComeBackEvenly() {
        for (int i = 0; i < 3; i++) {
            limiter.tryConsume("k", threePerMinute);
        }
        clock.advance(Duration.ofSeconds(20));
        assertThat(limiter.tryConsume("k", threePerMinute).allowed()).isTrue();
        assertThat(limiter.tryConsume("k", threePerMinute).allowed()).isFalse();
        clock.advance(Duration.ofMinutes(5));
        assertThat(limiter.tryConsume("k", threePerMinute).remaining()).isEqualTo(2);
    }

    @Test
    void tryConsumeWhenKeysDifferThenBucketsAreSeparate() {
        for (int i = 0; i < 3; i++) {
            limiter.tryConsume("a", threePerMinute);
        }
        assertThat(limiter.tryConsume("a", threePerMinute).allowed()).isFalse();
        assertThat(limiter.tryConsume("b", threePerMinute).allowed()).isTrue();
    }
}
