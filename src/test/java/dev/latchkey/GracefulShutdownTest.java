package dev.latchkey;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
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

    @Test
    void stopWhileARequestsBodyIsStillArrivingThenItIsAnsweredUnavailableNotTimedOut() throws Exception {
        TestServer server = TestServer.dedicated(Map.of());
        var tenant = Fixtures.tenant(server.api);
        String answer = answerWhenStoppedMidBody(server, "/v1/auth/login", "X-Api-Key: " + tenant.pk()
                + "\r\nContent-Type: application/json", "{\"email\":\"nobody@example.com\",\"password\":\"x y z\"}");

        // not "did not arrive within 30 s", 408, which would blame the client: the node is going away
        assertThat(answer).startsWith("HTTP/1.1 503 ").contains("\r\nRetry-After: 1\r\n")
                .contains("\"code\":\"unavailable\"").contains("stopping");
    }

    @Test
    void stopWhileADashboardFormIsStillArrivingThenItIsAnsweredUnavailableNotTimedOut() throws Exception {
        TestServer server = TestServer.dedicated(Map.of());
        // a form the framework reads itself, not the service
        String answer = answerWhenStoppedMidBody(server, "/dashboard/login",
                "Content-Type: application/x-www-form-urlencoded", "shop=kasa&email=a%40b.example&password=x");

        assertThat(answer).startsWith("HTTP/1.1 503 ");
    }

    /** Sends the request's head, stops the server while its body is awaited, then waits for the answer. */
    private static String answerWhenStoppedMidBody(TestServer server, String path, String headers, String body)
            throws Exception {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        try (var socket = new Socket("127.0.0.1", server.app.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers
                    + "\r\nContent-Length: " + content.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(300); // the request is in its route, waiting for the body
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::close);
            // a stopping server gives each connection a second more: the body never comes
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            stopped.get(30, TimeUnit.SECONDS);
            return answer;
        }
    }
}
