package dev.latchkey.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;

import java.time.Clock;
import java.time.Duration;

/**
 * Bucket4j buckets held in a bounded Caffeine cache. A bucket idle for a day is full again anyway, so dropping it loses
 * nothing; the size bound keeps a flood of distinct keys from exhausting memory. Time comes from the injected clock.
 */
public final class InMemoryRateLimiter implements RateLimiter {
    private static final long MAX_BUCKETS = 200_000;

    private final TimeMeter time;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .maximumSize(MAX_BUCKETS).expireAfterAccess(Duration.ofDays(1)).build();

    public InMemoryRateLimiter(Clock clock) {
        this.time = new ClockTimeMeter(clock);
    }

    @Override
    public Probe tryConsume(String key, Quota quota) {
        Bucket bucket = buckets.get(key, k -> Bucket.builder()
                .addLimit(quota.bandwidth())
                .withCustomTimePrecision(time)
                .build());
        return ClockTimeMeter.probe(bucket.tryConsumeAndReturnRemaining(1));
    }

    @Override
    public void reset(String key, Quota quota) {
        buckets.invalidate(key);
    }

    @Override
    public void close() {
        buckets.invalidateAll();
    }
}
