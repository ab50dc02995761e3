package dev.latchkey.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Validated access tokens by hash, bounded and with a short lifetime as a safety net. The cache is also indexed by
 * session and by customer, so a revocation evicts the few tokens it concerns instead of scanning every cached token
 * (a scan per refresh on every node would make rotation cost grow with the number of signed-in shoppers).
 */
final class TokenCache {
    private final Cache<String, AccessToken> byHash;
    private final KeyIndex bySession = new KeyIndex();
    private final KeyIndex byCustomer = new KeyIndex();
    /** Counts evictions, so that a lookup racing with one does not cache what it read before it. */
    private final AtomicLong epoch = new AtomicLong();

    TokenCache(long maximumSize, Duration lifetime) {
        // runs inside the cache's own operation, so the indexes never keep a hash the cache has dropped
        byHash = Caffeine.newBuilder().maximumSize(maximumSize).expireAfterWrite(lifetime)
                .evictionListener((String hash, AccessToken token, RemovalCause cause) -> {
                    if (token != null) {
                        unindex(token);
                    }
                })
                .build();
    }

    AccessToken get(String hash) {
        return byHash.getIfPresent(hash);
    }

    /** Take before reading the database; hand to {@link #put}. */
    long epoch() {
        return epoch.get();
    }

    /** Caches a token read from the database unless an eviction has happened since {@code readAt}. */
    void put(AccessToken token, long readAt) {
        if (epoch.get() != readAt) {
            return;
        }
        bySession.add(sessionKey(token.tenantId(), token.sessionId()), token.tokenHash());
        if (token.customerId() != null) {
            byCustomer.add(customerKey(token.tenantId(), token.customerId()), token.tokenHash());
        }
        byHash.put(token.tokenHash(), token);
        // an eviction between the check above and the put may have missed this entry: take it out again
        if (epoch.get() != readAt) {
            forget(token.tokenHash());
        }
    }

    void evictSession(String tenantId, String sessionId) {
        epoch.incrementAndGet();
        bySession.removeAll(sessionKey(tenantId, sessionId)).forEach(this::forget);
    }

    void evictCustomer(String tenantId, String customerId) {
        epoch.incrementAndGet();
        byCustomer.removeAll(customerKey(tenantId, customerId)).forEach(this::forget);
    }

    void clear() {
        epoch.incrementAndGet();
        byHash.invalidateAll();
        bySession.clear();
        byCustomer.clear();
    }

    private void forget(String hash) {
        AccessToken token = byHash.asMap().remove(hash);
        if (token != null) {
            unindex(token);
        }
    }

    private void unindex(AccessToken token) {
        bySession.remove(sessionKey(token.tenantId(), token.sessionId()), token.tokenHash());
        if (token.customerId() != null) {
            byCustomer.remove(customerKey(token.tenantId(), token.customerId()), token.tokenHash());
        }
    }

    private static String sessionKey(String tenantId, String sessionId) {
        return tenantId + '\n' + sessionId;
    }

    private static String customerKey(String tenantId, String customerId) {
        return tenantId + '\n' + customerId;
    }

    /** Key → the token hashes cached under it; each key's set is only changed inside the map's atomic operations. */
    private static final class KeyIndex {
        private final ConcurrentHashMap<String, Set<String>> hashes = new ConcurrentHashMap<>();

        void add(String key, String hash) {
            hashes.compute(key, (k, set) -> {
                Set<String> updated = set == null ? new HashSet<>(2) : set;
                updated.add(hash);
                return updated;
            });
        }

        void remove(String key, String hash) {
            hashes.computeIfPresent(key, (k, set) -> {
                set.remove(hash);
                return set.isEmpty() ? null : set;
            });
        }

        List<String> removeAll(String key) {
            Set<String> removed = hashes.remove(key);
            return removed == null ? List.of() : new ArrayList<>(removed);
        }

        void clear() {
            hashes.clear();
        }
    }
}
