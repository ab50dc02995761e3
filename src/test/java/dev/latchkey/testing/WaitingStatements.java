package dev.latchkey.testing;

import dev.latchkey.db.Database;

import java.sql.Connection;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A request's statement made to fail on PostgreSQL as a failover would fail it: a transaction of the test's own holds
 * a table, the request's statement waits for it, and that statement's backend is then cancelled or ended.
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
        String waiting = "FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() "
                + "AND query LIKE '" + statementStart + "%'";
        try (Connection lock = db.dataSource().getConnection()) {
            lock.setAutoCommit(false);
            try (var statement = lock.createStatement()) {
                statement.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
            }
            CompletableFuture<T> pending = request.get();
            Await.until(() -> db.read(h -> h.createQuery("SELECT COUNT(*) " + waiting).mapTo(Integer.class).one()) > 0,
                    10_000, "a statement of the request waits for " + table);
            db.run(h -> h.createQuery("SELECT " + ending.function + "(pid) " + waiting).mapTo(Boolean.class).list());
            lock.rollback();
            return pending;
        }
    }
}
