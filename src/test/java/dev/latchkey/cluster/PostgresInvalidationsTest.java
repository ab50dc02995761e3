package dev.latchkey.cluster;

import dev.latchkey.testing.Await;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestClock;
import dev.latchkey.testing.TestDatabases;
import dev.latchkey.testing.TestNode;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The notification channel as one node sees it: a node that counts no other listener sends nothing, and a node caches
 * nothing until it has listened for longer than another node's count of listeners lives.
 */
class PostgresInvalidationsTest {
    private static TestDatabases.Fresh database;
    private static TestNode node;
    private static String channel;

    @BeforeAll
    static void startNode() throws SQLException {
        Assumptions.assumeTrue(TestDatabases.postgres(), "notifications need PostgreSQL");
        database = TestDatabases.create();
        node = TestNode.start(database, new TestClock());
        channel = InvalidationChannel.of(database);
        Await.until(() -> node.app.invalidations().mayCache(), 10_000, "the node caches");
    }

    @AfterAll
    static void stopNode() {
        TestNode.closeAll(node);
    }

    @Test
    void aNodeThatCountsNoOtherListenerSendsNothingAndOneThatCountsOneSends() throws Exception {
        var api = node.api;
        var tenant = Fixtures.tenant(api);
        var first = Fixtures.shopper(api, tenant);
        var second = Fixtures.shopper(api, tenant);
        try (Connection eavesdropper = database.connect(); var statement = eavesdropper.createStatement()) {
            // it hears the channel but is not counted: the count looks for connections whose last query is the LISTEN
            statement.execute("LISTEN " + channel);
            statement.execute("SELECT 1");
            Thread.sleep(1_100); // longer than a count lives, so the node counts afresh and finds nobody
            api.post("/v1/auth/logout").key(tenant.pk()).bearer(first.accessToken()).send().expect(204);
            assertThat(notifications(eavesdropper, 500)).isEmpty();

            statement.execute("LISTEN " + channel); // now it is counted, as another node would be
            Thread.sleep(1_100);
            api.post("/v1/auth/logout").key(tenant.pk()).bearer(second.accessToken()).send().expect(204);
            assertThat(notifications(eavesdropper, 2_000)).anySatisfy(payload ->
                    assertThat(payload).contains("SESSION|" + tenant.id() + "|"));
        }
        // the same logouts were refused on the node itself all along
        api.get("/v1/auth/token").key(tenant.pk()).bearer(first.accessToken()).send().expect(401, "invalid_token");
        api.get("/v1/auth/token").key(tenant.pk()).bearer(second.accessToken()).send().expect(401, "invalid_token");
    }

    @Test
    void aNodeCachesNothingUntilItHasListenedForLongerThanACountLivesAndAgainAfterLosingItsListener()
            throws Exception {
        List<Invalidation> received = new CopyOnWriteArrayList<>();
        long started = System.nanoTime();
        try (var invalidations = new PostgresInvalidations(TestServer.config(database, Map.of()),
                node.app.database())) {
            invalidations.subscribe(received::add);
            assertThat(invalidations.mayCache()).isFalse();
            Await.until(invalidations::mayCache, 10_000, "caching after the first hold-off");
            assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(2_000);
            assertThat(received).contains(Invalidation.EVERYTHING);

            received.clear();
            terminateListeners();
            Await.until(() -> !invalidations.mayCache() && received.contains(Invalidation.EVERYTHING), 5_000,
                    "caching stopped and everything evicted after the listener was killed");
            long lost = System.nanoTime();
            Await.until(invalidations::mayCache, 15_000, "caching after the listener is back");
            assertThat((System.nanoTime() - lost) / 1_000_000).isGreaterThanOrEqualTo(1_900);
        }
    }

    /** Ends the listening connections of this schema's channel, as a network failure or a restarted pooler would. */
    private static void terminateListeners() throws SQLException {
        try (Connection connection = database.connect(); var statement = connection.prepareStatement(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = ?")) {
            statement.setString(1, "LISTEN " + channel);
            statement.executeQuery().close();
        }
    }

    private static List<String> notifications(Connection connection, int waitMillis) throws SQLException {
        List<String> payloads = new ArrayList<>();
        PGNotification[] arrived = connection.unwrap(PGConnection.class).getNotifications(waitMillis);
        if (arrived != null) {
            for (PGNotification notification : arrived) {
                payloads.add(notification.getParameter());
            }
        }
        return payloads;
    }
}
