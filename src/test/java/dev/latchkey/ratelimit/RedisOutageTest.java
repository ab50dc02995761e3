package dev.latchkey.ratelimit;

import ch.qos.logback.classic.Level;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Await;
import dev.latchkey.testing.LogCapture;
import dev.latchkey.testing.TcpRelay;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis going away under a running server, or away when it starts. The server reaches Redis through a relay that the
 * test cuts, stalls or opens late: limited requests must still be answered at once, and still be limited.
 */
class RedisOutageTest {
    private static URI redis;
    private final List<AutoCloseable> started = new ArrayList<>();

    @BeforeAll
    static void requireRedis() throws Exception {
        String url = System.getenv().getOrDefault("LATCHKEY_TEST_REDIS_URL", "");
        if (url.isBlank()) {
            System.err.println("NOTICE: the Redis outage test was skipped: set LATCHKEY_TEST_REDIS_URL "
                    + "(e.g. redis://127.0.0.1:6379) to run it.");
            Assumptions.abort("LATCHKEY_TEST_REDIS_URL is not set");
        }
        redis = new URI(url);
        Assumptions.assumeTrue(List.of("127.0.0.1", "localhost").contains(redis.getHost()),
                "the relay reaches a Redis on this machine only");
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable each : started) {
            each.close();
        }
    }

    /** A server with a small per-account login quota, reaching Redis on {@code port} of the loopback. */
    private TestServer serverWithRedisAt(int port) throws URISyntaxException {
        var server = TestServer.dedicated(Map.of("LATCHKEY_REDIS_URL", new URI(redis.getScheme(), redis.getUserInfo(),
                        "127.0.0.1", port, redis.getPath(), redis.getQuery(), null).toString(),
                "LATCHKEY_RATE_LIMIT_LOGIN_PER_ACCOUNT", "3/1h", "LATCHKEY_RATE_LIMIT_LOGIN_PER_IP", "off"));
        started.add(server);
        return server;
    }

    /** A relay to the test's Redis (on this machine), listening on {@code port} (0: any free one). */
    private TcpRelay relay(int port) {
        var relay = TcpRelay.on(port, redis.getPort() < 0 ? 6379 : redis.getPort());
        started.addFirst(relay);
        return relay;
    }

    private static Api.Res failedLogin(TestServer server, Fixtures.Tenant tenant, String email) {
        return server.api.post("/v1/auth/login").key(tenant.pk())
                .body(Map.of("email", email, "password", "not the password at all")).send();
    }

    /** Three failures are let through, the fourth is limited, and all within {@code within}. */
    private static void limitedOnTheNode(TestServer server, Fixtures.Tenant tenant, Duration within) {
        String email = Fixtures.uniqueEmail();
        long began = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            failedLogin(server, tenant, email).expect(401, "invalid_credentials");
        }
        failedLogin(server, tenant, email).expect(429, "rate_limited");
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(within);
    }

    @Test
    void loginWhenRedisIsGoneThenAnsweredAtOnceAndCountedOnTheNode() throws Exception {
        var relay = relay(0);
        var server = serverWithRedisAt(relay.port());
        var tenant = Fixtures.tenant(server.api);
        failedLogin(server, tenant, Fixtures.uniqueEmail()).expect(401, "invalid_credentials");

        relay.close();
        limitedOnTheNode(server, tenant, Duration.ofSeconds(10));
    }

    /** A Redis that accepts but does not answer costs one request the command timeout, not every one. */
    @Test
    void loginWhenRedisHangsThenOnlyTheFirstRequestWaitsForIt() throws Exception {
        var relay = relay(0);
        var server = serverWithRedisAt(relay.port());
        var tenant = Fixtures.tenant(server.api);
        failedLogin(server, tenant, Fixtures.uniqueEmail()).expect(401, "invalid_credentials");

        relay.stall();
        // one command timeout (1 s) and four logins: waiting on Redis for each took four seconds and more
        limitedOnTheNode(server, tenant, Duration.ofMillis(2_500));
    }

    /** A Redis that takes connections and never answers: the node starts within seconds, not after a minute. */
    @Test
    void startWhenRedisHangsThenTheNodeStartsAtOnceCountingOnItsOwn() throws Exception {
        var relay = relay(0);
        relay.stall();
        long began = System.nanoTime();

        var server = serverWithRedisAt(relay.port());

        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(10));
        limitedOnTheNode(server, Fixtures.tenant(server.api), Duration.ofSeconds(5));
    }

    @Test
    void startWhenRedisIsDownThenTheNodeServesCountingOnItsOwnAndSharesOnceRedisIsUp() throws Exception {
        int port;
        try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // closed again: nothing listens there yet
        }
        var logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(RedisRateLimiter.class);
        logger.setLevel(Level.INFO); // the tests' configuration keeps only warnings; Redis coming back is news
        try (var log = LogCapture.of(RedisRateLimiter.class)) {
            var server = serverWithRedisAt(port);
            var tenant = Fixtures.tenant(server.api);
            limitedOnTheNode(server, tenant, Duration.ofSeconds(5));

            relay(port);
            Await.until(() -> {
                failedLogin(server, tenant, Fixtures.uniqueEmail()).expect(401, "invalid_credentials");
                return log.lines().stream().anyMatch(line -> line.contains("Redis is reachable again"));
            }, 15_000, "the node asks Redis again and finds it");
            assertThat(log.lines()).filteredOn(line -> line.contains("cannot be reached")).hasSize(1);
        } finally {
            logger.setLevel(null);
        }
    }
}
