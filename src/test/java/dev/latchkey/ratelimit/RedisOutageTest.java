package dev.latchkey.ratelimit;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis going away under a running server. The server reaches Redis through a relay that the test cuts: limited
 * requests must still be answered at once, and still be limited.
 */
class RedisOutageTest {
    private static Relay relay;
    private static TestServer server;

    @BeforeAll
    static void startBehindRelay() throws Exception {
        String redis = System.getenv().getOrDefault("LATCHKEY_TEST_REDIS_URL", "");
        if (redis.isBlank()) {
            System.err.println("NOTICE: the Redis outage test was skipped: set LATCHKEY_TEST_REDIS_URL "
                    + "(e.g. redis://127.0.0.1:6379) to run it.");
            Assumptions.abort("LATCHKEY_TEST_REDIS_URL is not set");
        }
        URI target = new URI(redis);
        relay = new Relay(target.getHost(), target.getPort() < 0 ? 6379 : target.getPort());
        server = TestServer.dedicated(Map.of("LATCHKEY_REDIS_URL", throughRelay(target, relay.port()),
                "LATCHKEY_RATE_LIMIT_LOGIN_PER_ACCOUNT", "3/1h", "LATCHKEY_RATE_LIMIT_LOGIN_PER_IP", "off"));
    }

    private static String throughRelay(URI target, int port) throws URISyntaxException {
        return new URI(target.getScheme(), target.getUserInfo(), "127.0.0.1", port, target.getPath(),
                target.getQuery(), null).toString();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    private static Api.Res failedLogin(Fixtures.Tenant tenant, String email) {
        return server.api.post("/v1/auth/login").key(tenant.pk())
                .body(Map.of("email", email, "password", "not the password at all")).send();
    }

    @Test
    void loginWhenRedisIsGoneThenAnsweredAtOnceAndCountedOnTheNode() {
        var tenant = Fixtures.tenant(server.api);
        String email = Fixtures.uniqueEmail();
        failedLogin(tenant, email).expect(401, "invalid_credentials");

        relay.close();
        long started = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            failedLogin(tenant, email).expect(401, "invalid_credentials");
        }
        failedLogin(tenant, email).expect(429, "rate_limited");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    /** Copies bytes both ways between each accepted connection and the target, until closed. */
    private static final class Relay implements AutoCloseable {
        private final ServerSocket listener;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        Relay(String host, int port) throws IOException {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket inbound = listener.accept();
                        Socket outbound = new Socket(host, port);
                        sockets.addAll(List.of(inbound, outbound));
                        Thread.ofVirtual().start(() -> pump(inbound, outbound));
                        Thread.ofVirtual().start(() -> pump(outbound, inbound));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        int port() {
            return listener.getLocalPort();
        }

        private static void pump(Socket from, Socket to) {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException closed) {
                // the relay was cut
            }
        }

        @Override
        public void close() {
            try {
                listener.close();
                for (Socket socket : sockets) {
                    socket.close();
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
