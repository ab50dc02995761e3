package dev.latchkey.cluster;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.Await;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.LogCapture;
import dev.latchkey.testing.TestClock;
import dev.latchkey.testing.TestDatabases;
import dev.latchkey.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
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
 * Two nodes of two pooled connections each. A revocation waits for the other nodes' acknowledgements (at most a
 * second) only once its connection is back in the pool, and notifications go over a connection of each node's own. So
 * more logouts at once than the pools hold are each acknowledged in time, a request that needs a pooled connection is
 * answered while revocations wait, and a notifying connection that the database ended is replaced before the next
 * notification, which is not lost.
 */
class RevocationBurstTest {
    private static final int LOGOUTS_PER_NODE = 6;
    private static TestDatabases.Fresh database;
    private static TestNode nodeA;
    private static TestNode nodeB;

    @BeforeAll
    static void startTwoNodesOfSmallPools() {
        Assumptions.assumeTrue(TestDatabases.postgres(), "several nodes need a shared PostgreSQL database");
        database = TestDatabases.create();
        var clock = new TestClock();
        Map<String, String> smallPool = Map.of("LATCHKEY_DATABASE_POOL_SIZE", "2");
        nodeA = TestNode.start(database, clock, smallPool);
        nodeB = TestNode.start(database, clock, smallPool);
        Await.until(() -> nodeA.app.invalidations().mayCache() && nodeB.app.invalidations().mayCache(), 10_000,
                "both nodes cache");
    }

    @AfterAll
    static void stopNodes() {
        TestNode.closeAll(nodeA, nodeB);
    }

    private record Logout(Api through, Api other, String accessToken) {
        Object send(Fixtures.Tenant tenant) {
            return through.post("/v1/auth/logout").key(tenant.pk()).bearer(accessToken).send().expect(204);
        }

        void refusedOnTheOtherNode(Fixtures.Tenant tenant) {
            other.get("/v1/auth/token").key(tenant.pk()).bearer(accessToken).send().expect(401, "invalid_token");
        }
    }

    /** A shopper whose token the other node has validated, and so caches. */
    private static Logout cachedOnTheOtherNode(Fixtures.Tenant tenant, TestNode through, TestNode other) {
        var shopper = Fixtures.shopper(through.api, tenant);
        other.api.get("/v1/auth/token").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(200);
        return new Logout(through.api, other.api, shopper.accessToken());
    }

    @Test
    void logoutsOutnumberingBothPoolsAreEachAcknowledgedInTimeAndRefusedOnTheOtherNode() throws Exception {
        var tenant = Fixtures.tenant(nodeA.api);
        List<Logout> logouts = new ArrayList<>();
        for (int i = 0; i < LOGOUTS_PER_NODE; i++) {
            logouts.add(cachedOnTheOtherNode(tenant, nodeA, nodeB));
            logouts.add(cachedOnTheOtherNode(tenant, nodeB, nodeA));
        }

        try (LogCapture log = LogCapture.of(PostgresInvalidations.class)) {
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Object>> done = new ArrayList<>();
                for (Logout logout : logouts) {
                    Callable<Object> call = () -> logout.send(tenant);
                    done.add(threads.submit(call));
                }
                for (Future<Object> logout : done) {
                    logout.get();
                }
            }
            logouts.forEach(logout -> logout.refusedOnTheOtherNode(tenant));
            assertThat(log.lines()).isEmpty(); // no acknowledgement waited out, no notification failed
        }
    }

    @Test
    void aRevocationWaitingForAcknowledgementsHoldsNoPooledConnection() throws Exception {
        var tenant = Fixtures.tenant(nodeA.api);
        List<Logout> logouts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            logouts.add(cachedOnTheOtherNode(tenant, nodeA, nodeB));
        }
        try (var silent = database.connect(); var statement = silent.createStatement()) {
            statement.execute("LISTEN " + InvalidationChannel.of(database)); // counted as a node, never acknowledges
            Thread.sleep(1_100); // A counts afresh, and waits its full second for every batch from now on
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Object>> waiting = new ArrayList<>();
                for (Logout logout : logouts) {
                    Callable<Object> call = () -> logout.send(tenant);
                    waiting.add(threads.submit(call));
                }
                Thread.sleep(300); // twice as many logouts as A's pool holds have committed, and wait

                nodeA.api.get("/health/ready").send().expect(200); // takes a pooled connection
                assertThat(waiting).noneMatch(Future::isDone);
                for (Future<Object> logout : waiting) {
                    logout.get();
                }
            }
        }
        Thread.sleep(1_100); // the silent listener is gone: A counts afresh before the other tests notify
        logouts.forEach(logout -> logout.refusedOnTheOtherNode(tenant));
    }

    @Test
    void aNotifyingConnectionEndedByTheDatabaseIsReplacedAndTheNextRevocationStillReachesTheOtherNode()
            throws Exception {
        var tenant = Fixtures.tenant(nodeA.api);
        cachedOnTheOtherNode(tenant, nodeA, nodeB).send(tenant); // both nodes have notified by now
        var next = cachedOnTheOtherNode(tenant, nodeA, nodeB);

        try (LogCapture log = LogCapture.of(PostgresInvalidations.class)) {
            try (var connection = database.connect();
                 var ended = connection.createStatement().executeQuery("SELECT count(pg_terminate_backend(pid)) "
                         + "FROM pg_stat_activity WHERE application_name = 'latchkey-notifier' "
                         + "AND datname = current_database()")) {
                ended.next();
                // both nodes' (and any other server's of this database, which reconnects alike)
                assertThat(ended.getInt(1)).isGreaterThanOrEqualTo(2);
            }
            Thread.sleep(1_100); // idle for longer than a connection goes unchecked

            next.send(tenant);
            next.refusedOnTheOtherNode(tenant);
            assertThat(log.lines()).isEmpty();
        }
    }
}
