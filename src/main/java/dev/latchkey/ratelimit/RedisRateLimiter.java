package dev.latchkey.ratelimit;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;

import java.time.Clock;
import java.time.Duration;

/**
 * Buckets kept in Redis (Bucket4j's compare-and-swap proxy over Lettuce), so that every node counts against the same
 * quota. A bucket's key expires once it would be full again, so Redis holds only buckets in use.
 */
public final class RedisRateLimiter implements RateLimiter {
    private static final String PREFIX = "latchkey:rate:";

    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final ProxyManager<String> buckets;

    public RedisRateLimiter(String redisUrl, Clock clock) {
        this.client = RedisClient.create(redisUrl);
        this.connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        this.buckets = Bucket4jLettuce.casBasedBuilder(connection)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        Duration.ofSeconds(10)))
                .clientClock(new ClockTimeMeter(clock))
                .build();
    }

    @Override
    public Probe tryConsume(String key, Quota quota) {
        BucketConfiguration configuration = BucketConfiguration.builder().addLimit(quota.bandwidth()).build();
        return ClockTimeMeter.probe(buckets.builder().build(PREFIX + key, () -> configuration)
                .tryConsumeAndReturnRemaining(1));
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
