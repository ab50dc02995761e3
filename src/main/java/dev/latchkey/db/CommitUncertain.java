package dev.latchkey.db;

/**
 * A write that must not be done twice (a refresh token's rotation) lost its connection while under way: it may have
 * committed before the answer was lost. Answered as a failure (500), never as "try again" (503): a client that sent the
 * same refresh token again would find it used, and the session ended as if the token had been stolen.
 */
public final class CommitUncertain extends RuntimeException {
    private CommitUncertain(Throwable cause) {
        super("the connection to the database was lost while a write was under way; it may have committed", cause);
    }

    /**
     * {@code failure} as it is to be answered: a {@link CommitUncertain} when the connection was lost midway, itself
     * when none could be had (nothing was sent, so a retry is safe) or when it is no connection failure at all.
     */
    public static RuntimeException of(RuntimeException failure) {
        return DatabaseErrors.unreachable(failure) && !DatabaseErrors.neverConnected(failure)
                ? new CommitUncertain(failure) : failure;
    }
}
