package dev.latchkey.testing;

import dev.latchkey.db.Database;

import java.sql.Connection;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A request's statement held on PostgreSQL: a transaction of the test's own holds a table, the request's statement
 * waits for it, and meanwhile the test looks at what the request holds, or fails that statement as a failover would
 * (its backend cancelled or ended).
 */
public final class WaitingStatements {
    /** How the waiting statement's backend is made to fail. */
    public enum Ending {
        /** The statement is cancelled; the connection stays. */
        CANCEL("pg_cancel_backend"),
        /** The connection is ended, as a lost database host ends it. */
        TERMINATE("pg_terminate_backend");

        private final String function;

        Ending(String function) {
            this.function = function;
        }
    }

    private WaitingStatements() {
    }

    /**
     * Locks {@code table}, starts {@code request}, waits until a statement beginning with {@code statementStart} waits
     * for the table, ends it as {@code ending} says, and lets go of the table; returns the request under way.
     */
    public static <T> CompletableFuture<T> fail(Database db, String table, String statementStart, Ending ending,
                                                Supplier<CompletableFuture<T>> request) throws Exception {
        return whileWaiting(db, table, statementStart, request, () -> db.run(h -> h.createQuery("SELECT "
                + ending.function + "(pid) " + waiting(statementStart)).mapTo(Boolean.class).list()));
    }

    /**
     * Locks {@code table}, starts {@code request}, waits until a statement beginning with {@code statementStart} waits
     * for the table, runs {@code meanwhile} (what the request's transaction holds by then is held meanwhile), and lets
     * go of the table; returns the request under way.
     */
    public static <T> CompletableFuture<T> whileWaiting(Database db, String table, String statementStart,
                                                        Supplier<CompletableFuture<T>> request, Runnable meanwhile)
            throws Exception {
        try (Connection lock = db.dataSource().getConnection()) {
            lock.setAutoCommit(false);
            try (var statement = lock.createStatement()) {
                statement.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
            }
            CompletableFuture<T> pending = request.get();
            Await.until(() -> db.read(h -> h.createQuery("SELECT COUNT(*) " + waiting(statementStart))
                    .mapTo(Integer.class).one()) > 0, 10_000, "a statement of the request waits for " + table);
            try {
                meanwhile.run();
            } finally {
                lock.rollback();
            }
            return pending;
        }
    }

    private static String waiting(String statementStart) {
        return "FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() "
                + "AND query LIKE '" + statementStart + "%'";
    }
}
