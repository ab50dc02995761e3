package dev.latchkey.ratelimit;

import dev.latchkey.auth.Secrets;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
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
import java.util.concurrent.atomic.AtomicLong;

/**
 * Buckets kept in Redis (Bucket4j's compare-and-swap proxy over Lettuce), so that every node counts against the same
 * quota. A bucket's key expires once it would be full again, so Redis holds only buckets in use. While Redis cannot be
 * reached, each node counts in buckets of its own, as it does without Redis: limits stay in force (once per node) and
 * logins go on, instead of every limited request failing or waiting for Redis. That holds from the start too: a node
 * starts while Redis is down, and connects once it is up.
 */
public final class RedisRateLimiter implements RateLimiter {
    private static final Logger log = LoggerFactory.getLogger(RedisRateLimiter.class);
    private static final String PREFIX = "latchkey:rate:";
    /** A bucket update takes Redis well under a millisecond; Lettuce's own default would hold a request for a minute. */
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
    /**
     * After Redis failed, how long the node counts on its own before one request asks Redis again: a Redis that hangs
     * costs that one request the command timeout, not every limited request.
     */
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final RedisClient client;
    private final Clock clock;
    private final InMemoryRateLimiter local;
    private volatile ProxyManager<String> buckets;
    private volatile StatefulRedisConnection<String, byte[]> connection;
    private final AtomicBoolean unreachable = new AtomicBoolean();
    /** {@link System#nanoTime} before which Redis is not asked (while it is unreachable). */
    private final AtomicLong nextAttempt = new AtomicLong();

    public RedisRateLimiter(String redisUrl, Clock clock) {
        RedisURI uri = RedisURI.create(redisUrl);
        if (uri.getTimeout().equals(RedisURI.DEFAULT_TIMEOUT_DURATION)) {
            // the handshake of a new connection waits this long: a Redis that accepts and never answers would
            // otherwise hold start-up for a minute
            uri.setTimeout(COMMAND_TIMEOUT);
        }
        this.client = RedisClient.create(uri);
        // while the connection is down (Lettuce reconnects in the background) a command fails at once, not queued
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(COMMAND_TIMEOUT).build())
                .build());
        this.clock = clock;
        this.local = new InMemoryRateLimiter(clock);
        try {
            connected();
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public Probe tryConsume(String key, Quota quota) {
        if (unreachable.get()) {
            long at = nextAttempt.get();
            // one request asks Redis again when the time comes; the others meanwhile count on the node
            if (System.nanoTime() - at < 0 || !nextAttempt.compareAndSet(at, System.nanoTime() + RETRY_AFTER.toNanos())) {
                return local.tryConsume(key, quota);
            }
        }
        BucketConfiguration configuration = BucketConfiguration.builder().addLimit(quota.bandwidth()).build();
        // A bucket in Redis keeps the configuration it was created with, and one in steady use never expires: with the
        // quota in its key, a quota the operator changed takes effect at once, in buckets of its own. The key names a
        // shopper's email or IP address: Redis holds its SHA-256, so that whoever can list Redis's keys (a shared
        // instance, a dump, a replica) does not read who is logging in from where.
        String stored = stored(key, quota);
        Probe probe;
        try {
            probe = ClockTimeMeter.probe(connected().builder().build(stored, () -> configuration)
                    .tryConsumeAndReturnRemaining(1));
        } catch (RuntimeException e) {
            failed(e);
            return local.tryConsume(key, quota);
        }
        if (unreachable.compareAndSet(true, false)) {
            log.info("Redis is reachable again; rate limits are shared again");
        }
        return probe;
    }

    @Override
    public void reset(String key, Quota quota) {
        local.reset(key, quota);
        try {
            connected().removeProxy(stored(key, quota));
        } catch (RuntimeException e) {
            failed(e); // the bucket fills up in its own time, as every bucket does while Redis is away
        }
    }

    private static String stored(String key, Quota quota) {
        return PREFIX + quota.requests() + "/" + quota.window().toSeconds() + ":" + Secrets.sha256(key);
    }

    /** The buckets in Redis, connecting first if no connection was made yet (Lettuce keeps one it made). */
    private ProxyManager<String> connected() {
        ProxyManager<String> ready = buckets;
        if (ready != null) {
            return ready;
        }
        synchronized (this) {
            if (buckets == null) {
                connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
                buckets = Bucket4jLettuce.casBasedBuilder(connection)
                        .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                                Duration.ofSeconds(10)))
                        .clientClock(new ClockTimeMeter(clock))
                        .build();
            }
            return buckets;
        }
    }

    private void failed(RuntimeException e) {
        nextAttempt.set(System.nanoTime() + RETRY_AFTER.toNanos());
        if (unreachable.compareAndSet(false, true)) {
            log.warn("Redis cannot be reached ({}); rate limits count on this node until it is back", e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.close();
        }
        client.shutdown();
        local.close();
    }
}
