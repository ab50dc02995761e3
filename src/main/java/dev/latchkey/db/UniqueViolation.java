package dev.latchkey.db;

import java.util.Set;

/** Recognises a unique-constraint violation by SQLState 23505 (both engines), never by parsing driver messages. */
public final class UniqueViolation {
    private UniqueViolation() {
    }

    public static boolean is(Throwable error) {
        return SqlStates.causedBy(error, Set.of("23505"));
    }
}
