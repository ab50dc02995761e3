package dev.latchkey.ratelimit;

/**
 * Token buckets by key. The in-memory implementation serves one node; a shared store (Bucket4j's Redis or PostgreSQL
 * proxy managers) can stand behind this interface when several nodes must count together.
 */
public interface RateLimiter extends AutoCloseable {
    /** Takes one token from the bucket of {@code key}, creating it full with {@code quota} on first use. */
    Probe tryConsume(String key, Quota quota);

    /** Drops the bucket of {@code key} kept for {@code quota}: its next use finds it full. */
    void reset(String key, Quota quota);

    /** The outcome: whether the token was taken, what is left, and seconds until the next token and a full bucket. */
    @Override
    void close();

    record Probe(boolean allowed, long remaining, long secondsUntilNext, long secondsUntilFull) {
    }
}
