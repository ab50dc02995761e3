package dev.latchkey.db;

import dev.latchkey.http.ProblemResponder;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.Await;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.LogCapture;
import dev.latchkey.testing.RelayedNode;
import dev.latchkey.testing.TcpRelay;
import dev.latchkey.testing.TestClock;
import dev.latchkey.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database host goes down under a running node, and comes back: requests that need it are answered 503
 * {@code unavailable} within the pool timeout, with a Retry-After and one log line each, and the node serves again
 * once the database is back, without a restart. The node reaches PostgreSQL through a relay the test cuts.
 */
class DatabaseUnreachableTest {
    private static RelayedNode relayed;
    private static TcpRelay relay;
    private static TestNode node;

    @BeforeAll
    static void nodeBehindARelay() {
        relayed = RelayedNode.start(new TestClock(), Map.of("LATCHKEY_DATABASE_POOL_TIMEOUT", "1"));
        relay = relayed.relay;
        node = relayed.node;
    }

    @AfterAll
    static void stop() {
        if (relayed != null) {
            relayed.close();
        }
    }

    @Test
    void requestsWhenTheDatabaseIsDownThenUnavailableWithRetryAfterAndServedAgainOnceItIsBack() {
        Api api = node.api;
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        api.get("/v1/auth/token").key(tenant.pk()).as(shopper).send().expect(200);
        String newcomer = Fixtures.uniqueEmail();

        try (LogCapture log = LogCapture.of(ProblemResponder.class)) {
            relay.cut();
            long started = System.nanoTime();
            var registration = api.post("/v1/customers").key(tenant.pk())
                    .body(Map.of("email", newcomer, "password", Fixtures.PASSWORD)).send();
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            var addresses = api.get("/v1/me/addresses").key(tenant.pk()).as(shopper).send();
            var adminList = api.get("/v1/admin/customers").bearer(tenant.sk()).send();
            // validated moments ago, but once the node notices that it no longer hears of revocations made on other
            // nodes, it trusts none of its caches
            Await.until(() -> api.get("/v1/auth/token").key(tenant.pk()).as(shopper).send().status() == 503, 5_000,
                    "token validation to stop trusting the cache");

            registration.expect(503, "unavailable");
            assertThat(registration.header("Retry-After")).isEqualTo("5");
            assertThat(waited).isLessThan(Duration.ofSeconds(5));
            addresses.expect(503, "unavailable");
            adminList.expect(503, "unavailable");
            assertThat(log.lines()).hasSizeGreaterThanOrEqualTo(4).allSatisfy(line -> assertThat(line)
                    .contains("the database cannot be reached")
                    .doesNotContain(newcomer)
                    // one line, no stack trace: an outage repeats it for every request
                    .doesNotContain(System.lineSeparator()));
        } finally {
            relay.restore();
        }

        Await.until(() -> api.get("/v1/me/addresses").key(tenant.pk()).as(shopper).send().status() == 200, 15_000,
                "the node to reach the database again");
        // the registration refused while the database was down wrote nothing: the address is still free
        api.post("/v1/customers").key(tenant.pk())
                .body(Map.of("email", newcomer, "password", Fixtures.PASSWORD)).send().expect(201);
    }
}
