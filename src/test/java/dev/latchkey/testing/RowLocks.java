package dev.latchkey.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** A concurrent transaction that commits while a request waits for the row it changed. */
public final class RowLocks {
    private static final String WAITING_POSTGRES =
            "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()";
    private static final String WAITING_H2 =
            "SELECT COUNT(*) FROM information_schema.sessions WHERE blocker_id IS NOT NULL";

    private RowLocks() {
    }

    /**
     * Runs {@code update} (its {@code ?} bound to {@code values}) in a transaction of its own, starts {@code request},
     * waits until some statement waits for a lock (the request's, on the row the update holds), then commits and
     * returns the request's outcome. The transaction has a connection of its own: a read inside a JDBI transaction of
     * this thread would join that transaction.
     */
    public static <T> T commitWhileWaiting(TestServer server, String update, Supplier<T> request, String... values)
            throws Exception {
        String waiting = TestDatabases.postgres() ? WAITING_POSTGRES : WAITING_H2;
        try (Connection concurrent = server.app.database().dataSource().getConnection()) {
            concurrent.setAutoCommit(false);
            run(concurrent, update, values);
            CompletableFuture<T> blocked = CompletableFuture.supplyAsync(request);
            Await.until(() -> server.app.database().read(h -> h.createQuery(waiting).mapTo(Integer.class).one()) > 0,
                    5_000, "a statement waits for the row");
            concurrent.commit();
            return blocked.get(10, TimeUnit.SECONDS);
        }
    }

    private static void run(Connection connection, String update, String... values) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(update)) {
            for (int i = 0; i < values.length; i++) {
                statement.setString(i + 1, values[i]);
            }
            statement.executeUpdate();
        }
    }
}
