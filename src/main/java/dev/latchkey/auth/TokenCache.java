package dev.latchkey.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Validated access tokens by hash, bounded and with a short lifetime as a safety net. The cache is also indexed by
 * session and by customer, so a revocation evicts the few tokens it concerns instead of scanning every cached token
 * (a scan per refresh on every node would make rotation cost grow with the number of signed-in shoppers).
 *
 * <p>The indexes hold the cached entries themselves, by identity, not their hashes: a token read again after its entry
 * expired replaces an entry the cache still holds, and the expiry of that old entry is reported after the new one is
 * in. Taking out the hash then would leave the new entry in the cache but out of the indexes, beyond the reach of a
 * revocation for as long as it lives.
 */
final class TokenCache {
    private final Cache<String, AccessToken> byHash;
    private final KeyIndex bySession = new KeyIndex();
    private final KeyIndex byCustomer = new KeyIndex();
    /** Counts evictions, so that a lookup racing with one does not cache what it read before it. */
    private final AtomicLong epoch = new AtomicLong();

    TokenCache(long maximumSize, Duration lifetime) {
        // runs inside the cache's own operation, so the indexes never keep an entry the cache has dropped
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
        bySession.add(sessionKey(token.tenantId(), token.sessionId()), token);
        if (token.customerId() != null) {
            byCustomer.add(customerKey(token.tenantId(), token.customerId()), token);
        }
        // a live entry this one replaces (two requests read the same token at once) leaves the indexes with it; an
        // expired one is reported to the eviction listener
        byHash.asMap().compute(token.tokenHash(), (hash, replaced) -> {
            if (replaced != null && replaced != token) {
                unindex(replaced);
            }
            return token;
        });
        // an eviction between the check above and the put may have missed this entry: take it out again
        if (epoch.get() != readAt) {
            forget(token.tokenHash());
        }
    }

    void evictSession(String tenantId, String sessionId) {
        epoch.incrementAndGet();
        bySession.removeAll(sessionKey(tenantId, sessionId)).forEach(token -> forget(token.tokenHash()));
    }

    void evictCustomer(String tenantId, String customerId) {
        epoch.incrementAndGet();
        byCustomer.removeAll(customerKey(tenantId, customerId)).forEach(token -> forget(token.tokenHash()));
    }

    /**
     * Forgets every token, entry by entry: emptying the indexes apart from the cache would drop from them an entry that
     * a lookup begun after the epoch moved puts in meanwhile, and a revocation would then miss it.
     */
    void clear() {
        epoch.incrementAndGet();
        List.copyOf(byHash.asMap().keySet()).forEach(this::forget);
    }

    private void forget(String hash) {
        AccessToken token = byHash.asMap().remove(hash);
        if (token != null) {
            unindex(token);
        }
    }

    private void unindex(AccessToken token) {
        bySession.remove(sessionKey(token.tenantId(), token.sessionId()), token);
        if (token.customerId() != null) {
            byCustomer.remove(customerKey(token.tenantId(), token.customerId()), token);
        }
    }

    private static String sessionKey(String tenantId, String sessionId) {
        return tenantId + '\n' + sessionId;
    }

    private static String customerKey(String tenantId, String customerId) {
        return tenantId + '\n' + customerId;
    }

    /**
     * Key → the entries cached under it, by identity (two reads of one token are equal records, yet one may be gone
     * while the other is cached); each key's set is only changed inside the map's atomic operations.
     */
    private static final class KeyIndex {
        private final ConcurrentHashMap<String, Set<AccessToken>> entries = new ConcurrentHashMap<>();

        void add(String key, AccessToken token) {
            entries.compute(key, (k, set) -> {
                Set<AccessToken> updated = set == null ? Collections.newSetFromMap(new IdentityHashMap<>(2)) : set;
                updated.add(token);
                return updated;
            });
        }

        void remove(String key, AccessToken token) {
            entries.computeIfPresent(key, (k, set) -> {
                set.remove(token);
                return set.isEmpty() ? null : set;
            });
        }

        List<AccessToken> removeAll(String key) {
            Set<AccessToken> removed = entries.remove(key);
            return removed == null ? List.of() : new ArrayList<>(removed);
        }

        void clear() {
            entries.clear();
        }
    }
}
