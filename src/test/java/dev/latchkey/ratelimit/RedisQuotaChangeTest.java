package dev.latchkey.ratelimit;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator changes a quota and restarts: buckets kept in Redis follow the new quota, as in-memory ones do, instead
 * of the one they were created with.
 */
class RedisQuotaChangeTest {
    private static Map<String, String> env(String redis, String perAccount) {
        return Map.of("LATCHKEY_REDIS_URL", redis, "LATCHKEY_RATE_LIMIT_LOGIN_PER_ACCOUNT", perAccount,
                "LATCHKEY_RATE_LIMIT_LOGIN_PER_IP", "off");
    }

    private static Api.Res failedLogin(Api api, String pk, String email) {
        return api.post("/v1/auth/login").key(pk)
                .body(Map.of("email", email, "password", "not the password at all")).send();
    }

    private static String tenantNamed(Api api, String id) {
        return api.post("/v1/platform/tenants").bearer(TestServer.PLATFORM_TOKEN)
                .body(Map.of("id", id, "name", "Quota")).send().expect(201).str("publishable_key");
    }

    @Test
    void loginAfterTheQuotaWasRaisedThenTheNewQuotaApplies() {
        String redis = System.getenv().getOrDefault("LATCHKEY_TEST_REDIS_URL", "");
        Assumptions.assumeFalse(redis.isBlank(), "LATCHKEY_TEST_REDIS_URL is not set");
        String id = Fixtures.uniqueId("quota");
        String email = Fixtures.uniqueEmail();
        try (TestServer before = TestServer.dedicated(env(redis, "2/1h"))) {
            String pk = tenantNamed(before.api, id);
            failedLogin(before.api, pk, email).expect(401);
            failedLogin(before.api, pk, email).expect(401);
            failedLogin(before.api, pk, email).expect(429, "rate_limited");
        }
        try (TestServer after = TestServer.dedicated(env(redis, "5/1h"))) {
            String pk = tenantNamed(after.api, id);
            var res = failedLogin(after.api, pk, email).expect(401, "invalid_credentials");
            assertThat(res.header("RateLimit-Policy")).isEqualTo("\"login-account\";q=5;w=3600");
            // the bucket is kept anew for the new quota: four more tries, then the refusal tells what is left
            for (int i = 0; i < 4; i++) {
                failedLogin(after.api, pk, email).expect(401, "invalid_credentials");
            }
            var refused = failedLogin(after.api, pk, email).expect(429, "rate_limited");
            assertThat(refused.header("RateLimit")).startsWith("\"login-account\";r=0;");
        }
    }
}
