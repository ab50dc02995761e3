package dev.latchkey.ratelimit;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestServer;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With LATCHKEY_REDIS_URL, several nodes count against one quota. Two servers with databases of their own (so that
 * this runs on H2 too) serve a tenant of the same id; failed log-ins spread over both spend one per-account bucket.
 */
class SharedRateLimitTest {
    private static TestServer nodeA;
    private static TestServer nodeB;
    private static String redis;

    @BeforeAll
    static void startTwoNodesOnOneRedis() {
        redis = System.getenv().getOrDefault("LATCHKEY_TEST_REDIS_URL", "");
        if (redis.isBlank()) {
            System.err.println("NOTICE: the shared rate-limit test was skipped: set LATCHKEY_TEST_REDIS_URL "
                    + "(e.g. redis://127.0.0.1:6379) to run it.");
            Assumptions.abort("LATCHKEY_TEST_REDIS_URL is not set");
        }
        Map<String, String> env = Map.of("LATCHKEY_REDIS_URL", redis,
                "LATCHKEY_RATE_LIMIT_LOGIN_PER_ACCOUNT", "3/1h", "LATCHKEY_RATE_LIMIT_LOGIN_PER_IP", "off");
        nodeA = TestServer.dedicated(env);
        nodeB = TestServer.dedicated(env);
    }

    @AfterAll
    static void stopNodes() {
        if (nodeA != null) {
            nodeA.close();
        }
        if (nodeB != null) {
            nodeB.close();
        }
    }

    private static Fixtures.Tenant tenantNamed(Api api, String id) {
        var res = api.post("/v1/platform/tenants").bearer(TestServer.PLATFORM_TOKEN)
                .body(Map.of("id", id, "name", "Shared")).send().expect(201);
        return new Fixtures.Tenant(id, res.str("publishable_key"), res.str("secret_key"), res.body());
    }

    private static Api.Res failedLogin(Api api, Fixtures.Tenant tenant, String email) {
        return api.post("/v1/auth/login").key(tenant.pk())
                .body(Map.of("email", email, "password", "not the password at all")).send();
    }

    @Test
    void loginAttemptsOnTwoNodesSpendOneAccountQuota() {
        String id = Fixtures.uniqueId("shared");
        var onA = tenantNamed(nodeA.api, id);
        var onB = tenantNamed(nodeB.api, id);
        String email = Fixtures.uniqueEmail();

        failedLogin(nodeA.api, onA, email).expect(401, "invalid_credentials");
        failedLogin(nodeB.api, onB, email).expect(401, "invalid_credentials");
        failedLogin(nodeA.api, onA, email).expect(401, "invalid_credentials");

        failedLogin(nodeB.api, onB, email).expect(429, "rate_limited");
        failedLogin(nodeA.api, onA, email).expect(429, "rate_limited");
        failedLogin(nodeA.api, onA, Fixtures.uniqueEmail()).expect(401, "invalid_credentials");
    }

    @Test
    void unlockOnOneNodeGivesTheAccountsBucketBackOnEvery() {
        String id = Fixtures.uniqueId("unlock");
        var onA = tenantNamed(nodeA.api, id);
        var onB = tenantNamed(nodeB.api, id);
        var shopper = Fixtures.shopper(nodeB.api, onB);
        for (int i = 0; i < 3; i++) {
            failedLogin(nodeA.api, onA, shopper.email()).expect(401, "invalid_credentials");
        }
        failedLogin(nodeA.api, onA, shopper.email()).expect(429, "rate_limited");

        nodeB.api.delete("/v1/admin/customers/" + shopper.customerId() + "/lockout").bearer(onB.sk()).send()
                .expect(204);
        failedLogin(nodeA.api, onA, shopper.email()).expect(401, "invalid_credentials");
    }

    @Test
    void redisHoldsNeitherTheEmailNorTheAddressABucketCounts() {
        String id = Fixtures.uniqueId("digest");
        var tenant = tenantNamed(nodeA.api, id);
        String email = Fixtures.uniqueEmail();
        failedLogin(nodeA.api, tenant, email).expect(401, "invalid_credentials");

        RedisClient client = RedisClient.create(redis);
        try (var connection = client.connect()) {
            List<String> keys = connection.sync().keys("latchkey:rate:*");
            assertThat(keys).isNotEmpty();
            assertThat(keys).noneMatch(key -> key.contains(email) || key.contains(id) || key.contains("127.0.0.1"));
        } finally {
            client.shutdown();
        }
    }
}
