package dev.latchkey.db;

import java.util.Set;

/**
 * Recognises a statement that PostgreSQL failed, and rolled back, over a lock: a lock wait that timed out (55P03), a
 * deadlock (40P01) or a serialization failure (40001). Tried again, such work can succeed.
 */
public final class LockConflict {
    private static final Set<String> STATES = Set.of("55P03", "40P01", "40001");
    private static final Set<String> BUSY = Set.of("55P03", "HYT00");

    private LockConflict() {
    }

    public static boolean is(Throwable error) {
        return SqlStates.causedBy(error, STATES);
    }

    /**
     * Whether {@code error} is a lock that a statement asked for without waiting ({@code FOR UPDATE NOWAIT}) and
     * another transaction held: 55P03 on PostgreSQL, HYT00 (H2's lock timeout) on H2.
     */
    public static boolean busy(Throwable error) {
        return SqlStates.causedBy(error, BUSY);
    }
}
