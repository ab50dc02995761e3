package dev.latchkey.ratelimit;

import dev.latchkey.auth.Secrets;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Buckets kept in Redis (Bucket4j's compare-and-swap proxy over Lettuce), so that every node counts against the same
 * quota. A bucket's key expires once it would be full again, so Redis holds only buckets in use. While Redis cannot be
 * reached, each node counts in buckets of its own, as it does without Redis: limits stay in force (once per node) and
 * logins go on, instead of every limited request failing or waiting for Redis.
 */
public final class RedisRateLimiter implements RateLimiter {
    private static final Logger log = LoggerFactory.getLogger(RedisRateLimiter.class);
    private static final String PREFIX = "latchkey:rate:";
    /** A bucket update takes Redis well under a millisecond; Lettuce's own default would hold a request for a minute. */
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);

    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final ProxyManager<String> buckets;
    private final InMemoryRateLimiter local;
    private final AtomicBoolean unreachable = new AtomicBoolean();

    public RedisRateLimiter(String redisUrl, Clock clock) {
        this.client = RedisClient.create(redisUrl);
        // while the connection is down (Lettuce reconnects in the background) a command fails at once, not queued
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        this.connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        this.buckets = Bucket4jLettuce.casBasedBuilder(connection)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        Duration.ofSeconds(10)))
                .clientClock(new ClockTimeMeter(clock))
                .build();
        this.local = new InMemoryRateLimiter(clock);
    }

    @Override
    public Probe tryConsume(String key, Quota quota) {
        BucketConfiguration configuration = BucketConfiguration.builder().addLimit(quota.bandwidth()).build();
        // A bucket in Redis keeps the configuration it was created with, and one in steady use never expires: with the
        // quota in its key, a quota the operator changed takes effect at once, in buckets of its own. The key names a
        // shopper's email or IP address: Redis holds its SHA-256, so that whoever can list Redis's keys (a shared
        // instance, a dump, a replica) does not read who is logging in from where.
        String stored = PREFIX + quota.requests() + "/" + quota.window().toSeconds() + ":" + Secrets.sha256(key);
        Probe probe;
        try {
            probe = ClockTimeMeter.probe(buckets.builder().build(stored, () -> configuration)
                    .tryConsumeAndReturnRemaining(1));
        } catch (RuntimeException e) {
            if (unreachable.compareAndSet(false, true)) {
                log.warn("Redis cannot be reached ({}); rate limits count on this node until it is back", e.toString());
            }
            return local.tryConsume(key, quota);
        }
        if (unreachable.compareAndSet(true, false)) {
            log.info("Redis is reachable again; rate limits are shared again");
        }
        return probe;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
        local.close();
    }
}
