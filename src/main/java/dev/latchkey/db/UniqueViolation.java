package dev.latchkey.db;

import java.sql.SQLException;

/** Recognises a unique-constraint violation by SQLState 23505 (both engines), never by parsing driver messages. */
public final class UniqueViolation {
    private UniqueViolation() {
    }

    public static boolean is(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
