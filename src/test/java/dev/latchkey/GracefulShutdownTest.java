package dev.latchkey;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stopping the server (what SIGTERM does through the shutdown hook) lets requests in flight finish. A costly Argon2id
 * setting makes one log-in take long enough to be in flight when the stop begins.
 */
class GracefulShutdownTest {
    @Test
    void stopWhenRequestInFlightThenItStillGetsItsAnswer() throws Exception {
        TestServer server = TestServer.dedicated(Map.of(
                "LATCHKEY_ARGON2_MEMORY_KIB", "65536", "LATCHKEY_ARGON2_ITERATIONS", "3"));
        Api api = server.api;
        var tenant = Fixtures.tenant(api);

        CompletableFuture<Api.Res> inFlight = CompletableFuture.supplyAsync(() -> api.post("/v1/auth/login")
                .key(tenant.pk()).body(Map.of("email", "nobody@example.com", "password", "whatever it is")).send());
        Thread.sleep(100);
        server.close();

        assertThat(inFlight.get(30, TimeUnit.SECONDS).status()).isEqualTo(401);
    }
}
