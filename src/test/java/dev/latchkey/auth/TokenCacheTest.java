package dev.latchkey.auth;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class TokenCacheTest {
    private final TokenCache cache = new TokenCache(1_000, Duration.ofSeconds(30));

    private static AccessToken token(String hash, String tenant, String session, String customer) {
        return new AccessToken(hash, tenant, session, customer == null ? SessionKind.ANONYMOUS : SessionKind.CUSTOMER,
                customer, customer == null ? null : customer + "@example.com", Instant.parse("2030-01-01T00:00:00Z"),
                Instant.parse("2029-12-01T00:00:00Z"), Set.of(), null);
    }

    private void put(AccessToken token) {
        cache.put(token, cache.epoch());
    }

    /**
     * A token read again after its entry expired replaces an entry the cache still holds: the expiry of the old entry
     * is reported after the new one is in, and must not take the new one out of the session and customer indexes, or a
     * revocation would miss it and the token would keep working until its entry expired in turn.
     */
    @Test
    void aTokenCachedAgainAfterItsEntryExpiredIsStillEvictedWithItsSession() throws Exception {
        var shortLived = new TokenCache(1_000, Duration.ofMillis(20));
        int missed = 0;
        for (int i = 0; i < 300; i++) {
            String hash = "h" + i;
            shortLived.put(token(hash, "t1", "ses_" + i, "cus_" + i), shortLived.epoch());
            Thread.sleep(i % 10 == 0 ? 25 : 0);
            while (shortLived.get(hash) != null) {
                Thread.onSpinWait();
            }
            shortLived.put(token(hash, "t1", "ses_" + i, "cus_" + i), shortLived.epoch());
            if (i % 2 == 0) {
                shortLived.evictSession("t1", "ses_" + i);
            } else {
                shortLived.evictCustomer("t1", "cus_" + i);
            }
            if (shortLived.get(hash) != null) {
                missed++;
            }
        }
        assertThat(missed).as("tokens a revocation missed").isZero();
    }

    @Test
    void evictingASessionDropsItsTokensOnly() {
        put(token("h1", "t1", "ses_1", "cus_1"));
        put(token("h2", "t1", "ses_1", "cus_1"));
        put(token("h3", "t1", "ses_2", "cus_1"));
        put(token("h4", "t1", "ses_3", null));

        cache.evictSession("t1", "ses_1");

        assertThat(cache.get("h1")).isNull();
        assertThat(cache.get("h2")).isNull();
        assertThat(cache.get("h3")).isNotNull();
        assertThat(cache.get("h4")).isNotNull();
    }

    @Test
    void evictingACustomerDropsTheTokensOfAllTheirSessions() {
        put(token("h1", "t1", "ses_1", "cus_1"));
        put(token("h2", "t1", "ses_2", "cus_1"));
        put(token("h3", "t1", "ses_3", "cus_2"));

        cache.evictCustomer("t1", "cus_1");

        assertThat(cache.get("h1")).isNull();
        assertThat(cache.get("h2")).isNull();
        assertThat(cache.get("h3")).isNotNull();
    }

    @Test
    void anEvictionUnderAnotherTenantLeavesTheTokenAlone() {
        put(token("h1", "t1", "ses_1", "cus_1"));

        cache.evictSession("t2", "ses_1");
        cache.evictCustomer("t2", "cus_1");

        assertThat(cache.get("h1")).isNotNull();
    }

    @Test
    void aTokenReadBeforeAnEvictionIsNotCached() {
        long readAt = cache.epoch();
        cache.evictSession("t1", "ses_1");

        cache.put(token("h1", "t1", "ses_1", "cus_1"), readAt);

        assertThat(cache.get("h1")).isNull();
    }

    @Test
    void aSessionEvictedAfterItsTokenWasEvictedByASessionOfTheSameCustomerStillWorks() {
        put(token("h1", "t1", "ses_1", "cus_1"));
        cache.evictCustomer("t1", "cus_1");
        put(token("h2", "t1", "ses_1", "cus_1"));

        cache.evictSession("t1", "ses_1");

        assertThat(cache.get("h2")).isNull();
    }

    @Test
    void clearingForgetsEverything() {
        put(token("h1", "t1", "ses_1", "cus_1"));
        put(token("h2", "t2", "ses_2", null));

        cache.clear();

        assertThat(cache.get("h1")).isNull();
        assertThat(cache.get("h2")).isNull();
        // a token read after the clear is cached and indexed as any other
        put(token("h1", "t1", "ses_1", "cus_1"));
        assertThat(cache.get("h1")).isNotNull();
        cache.evictSession("t1", "ses_1");
        assertThat(cache.get("h1")).isNull();
    }
}
