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

    /** A statement with its {@code ?} values. */
    public record Sql(String text, String... values) {
    }

    /**
     * Runs {@code update} (its {@code ?} bound to {@code values}) in a transaction of its own, starts {@code request},
     * waits until some statement waits for a lock (the request's, on the row the update holds), then commits and
     * returns the request's outcome. The transaction has a connection of its own: a read inside a JDBI transaction of
     * this thread would join that transaction.
     */
    public static <T> T commitWhileWaiting(TestServer server, String update, Supplier<T> request, String... values)
            throws Exception {
        return commitWhileWaiting(server, new Sql(update, values), request);
    }

    /**
     * As above, and while the request waits the transaction also runs {@code then}, taking more rows before it
     * commits, as a transaction that locks rows one after another does: should the request hold one of those while it
     * waits, the two deadlock and one of them fails.
     */
    public static <T> T commitWhileWaiting(TestServer server, Sql first, Supplier<T> request, Sql... then)
            throws Exception {
        return commitWhileWaiting(server, first, 1, request, then);
    }

    /**
     * As above, once {@code waiters} statements wait (the row may be taken by a {@code SELECT ... FOR UPDATE}): the
     * requests that {@code request} sends at once then all go on at the same moment.
     */
    public static <T> T commitWhileWaiting(TestServer server, Sql first, int waiters, Supplier<T> request,
                                           Sql... then) throws Exception {
        String waiting = TestDatabases.postgres() ? WAITING_POSTGRES : WAITING_H2;
        try (Connection concurrent = server.app.database().dataSource().getConnection()) {
            concurrent.setAutoCommit(false);
            run(concurrent, first);
            CompletableFuture<T> blocked = CompletableFuture.supplyAsync(request);
            Await.until(() -> server.app.database().read(h -> h.createQuery(waiting).mapTo(Integer.class).one())
                    >= waiters, 5_000, waiters + " statements wait for the row");
            for (Sql statement : then) {
                run(concurrent, statement);
            }
            concurrent.commit();
            return blocked.get(10, TimeUnit.SECONDS);
        }
    }

    private static void run(Connection connection, Sql sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.text())) {
            for (int i = 0; i < sql.values().length; i++) {
                statement.setString(i + 1, sql.values()[i]);
            }
            statement.execute();
        }
    }
}
