package dev.latchkey.auth;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unknown email and wrong password must take about the same time. Runs on a server of its own with the production
 * Argon2id cost, so that skipping the hash for unknown emails would show as a large difference.
 */
class LoginTimingTest {
    private static final int SAMPLES = 11;
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.dedicated(Map.of("LATCHKEY_ARGON2_MEMORY_KIB", "19456", "LATCHKEY_ARGON2_ITERATIONS", "2"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.app.close();
        }
    }

    @Test
    void loginWhenEmailUnknownThenTakesAboutAsLongAsWrongPassword() {
        Api api = server.api;
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        Map<String, Object> wrongPassword = Map.of("email", shopper.email(), "password", "not the password");
        Map<String, Object> unknownEmail = Map.of("email", Fixtures.uniqueEmail(), "password", "not the password");
        for (int i = 0; i < 3; i++) { // warm up both paths
            attempt(api, tenant, wrongPassword);
            attempt(api, tenant, unknownEmail);
        }

        long[] wrong = new long[SAMPLES];
        long[] unknown = new long[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) { // interleaved, so that a slow moment hits both series
            wrong[i] = attempt(api, tenant, wrongPassword);
            unknown[i] = attempt(api, tenant, unknownEmail);
        }

        double ratio = (double) median(unknown) / median(wrong);
        assertThat(ratio).as("median unknown-email time / median wrong-password time").isBetween(0.33, 3.0);
    }

    private static long attempt(Api api, Fixtures.Tenant tenant, Map<String, Object> body) {
        long start = System.nanoTime();
        api.post("/v1/auth/login").key(tenant.pk()).body(body).send().expect(401, "invalid_credentials");
        return System.nanoTime() - start;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
