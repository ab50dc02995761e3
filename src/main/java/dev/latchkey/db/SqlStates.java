package dev.latchkey.db;

import java.sql.SQLException;
import java.util.Set;

/** Recognises a database failure by its SQLState (the same on both engines), never by parsing driver messages. */
final class SqlStates {
    private SqlStates() {
    }

    /** Whether {@code error} or one of its causes is an SQLException with one of {@code states}. */
    static boolean causedBy(Throwable error, Set<String> states) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && states.contains(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
