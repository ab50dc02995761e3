package dev.latchkey.db;

import java.sql.SQLException;

/**
 * Recognises a statement that PostgreSQL failed, and rolled back, over a lock: a lock wait that timed out (55P03), a
 * deadlock (40P01) or a serialization failure (40001). Tried again, such work can succeed; by SQLState, never by the
 * driver's message.
 */
public final class LockConflict {
    private LockConflict() {
    }

    public static boolean is(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && switch (sql.getSQLState()) {
                        case "55P03", "40P01", "40001" -> true;
                        default -> false;
                    }) {
                return true;
            }
        }
        return false;
    }
}
