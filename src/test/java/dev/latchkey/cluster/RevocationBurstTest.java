package dev.latchkey.cluster;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.Await;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.LogCapture;
import dev.latchkey.testing.TestClock;
import dev.latchkey.testing.TestDatabases;
import dev.latchkey.testing.TestNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes of two pooled connections each, and more logouts at once on each than its pool holds. Each logout waits
 * for the other node's acknowledgement while its transaction's connection is still held; were notifications sent on
 * pooled connections, they would wait for those very connections, and every logout would wait out its
 * acknowledgement time instead.
 */
class RevocationBurstTest {
    private static final int LOGOUTS_PER_NODE = 6;

    @BeforeAll
    static void needsPostgres() {
        Assumptions.assumeTrue(TestDatabases.postgres(), "several nodes need a shared PostgreSQL database");
    }

    @Test
    void logoutsOutnumberingBothPoolsAreEachAcknowledgedInTimeAndRefusedOnTheOtherNode() throws Exception {
        var database = TestDatabases.create();
        var clock = new TestClock();
        Map<String, String> smallPool = Map.of("LATCHKEY_DATABASE_POOL_SIZE", "2");
        try (TestNode a = TestNode.start(database, clock, smallPool);
             TestNode b = TestNode.start(database, clock, smallPool);
             LogCapture log = LogCapture.of(PostgresInvalidations.class)) {
            Await.until(() -> a.app.invalidations().mayCache() && b.app.invalidations().mayCache(), 10_000,
                    "both nodes cache");
            var tenant = Fixtures.tenant(a.api);
            List<Logout> logouts = new ArrayList<>();
            for (int i = 0; i < 2 * LOGOUTS_PER_NODE; i++) {
                var through = i % 2 == 0 ? a.api : b.api;
                var other = i % 2 == 0 ? b.api : a.api;
                var shopper = Fixtures.shopper(a.api, tenant);
                other.get("/v1/auth/token").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(200);
                logouts.add(new Logout(through, other, shopper.accessToken()));
            }

            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Object>> done = new ArrayList<>();
                for (Logout logout : logouts) {
                    Callable<Object> call = () -> logout.through().post("/v1/auth/logout").key(tenant.pk())
                            .bearer(logout.accessToken()).send().expect(204);
                    done.add(threads.submit(call));
                }
                for (Future<Object> logout : done) {
                    logout.get();
                }
            }

            for (Logout logout : logouts) {
                logout.other().get("/v1/auth/token").key(tenant.pk()).bearer(logout.accessToken()).send()
                        .expect(401, "invalid_token");
            }
            assertThat(log.lines()).isEmpty(); // no acknowledgement waited out, no notification failed
        }
    }

    private record Logout(Api through, Api other, String accessToken) {
    }
}
