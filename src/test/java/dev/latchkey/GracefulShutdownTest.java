package dev.latchkey;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestClock;
import dev.latchkey.testing.TestDatabases;
import dev.latchkey.testing.TestNode;
import dev.latchkey.testing.TestServer;
import dev.latchkey.testing.TestSmtp;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
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

    /**
     * A mail server that takes the connection and never answers would hold the stop for the SMTP timeouts (15 s each):
     * the send is broken off instead, and the mail waits in the outbox for the next start or another node, its attempt
     * not counted.
     */
    @Test
    void stopWhileAMailGoesToAnSmtpServerThatNeverAnswersThenItStopsAtOnceAndTheMailStaysQueued() throws Exception {
        var db = TestDatabases.create();
        try (var hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            hung.setSoTimeout(10_000);
            var node = TestNode.start(db, new TestClock(), TestSmtp.env(hung.getLocalPort()));
            String email = Fixtures.uniqueEmail();
            try {
                var tenant = Fixtures.tenant(node.api, Map.of("allowed_origins", List.of("https://shop.example.com")));
                node.api.post("/v1/customers").key(tenant.pk()).body(Map.of("email", email, "password",
                        Fixtures.PASSWORD, "verification_url", "https://shop.example.com")).send().expect(201);
                hung.accept(); // the worker connected and waits for the server's greeting, which never comes
            } finally {
                long start = System.nanoTime();
                node.close();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            }
            try (var connection = db.connect(); var query = connection.prepareStatement(
                    "SELECT status, attempts, leased_until FROM mail_outbox WHERE recipient = ?")) {
                query.setString(1, email);
                try (var row = query.executeQuery()) {
                    assertThat(row.next()).isTrue();
                    assertThat(row.getString("status")).isEqualTo("pending");
                    assertThat(row.getInt("attempts")).as("a send broken off is no failed attempt").isZero();
                    assertThat(row.getTimestamp("leased_until")).as("due again at once").isNull();
                }
            }
        }
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
