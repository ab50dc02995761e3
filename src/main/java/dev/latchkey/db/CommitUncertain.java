package dev.latchkey.db;

/**
 * A write that must not be done twice (a refresh token's rotation, a renewal) lost its connection while under way, or
 * committed and then failed to read its answer: it may have been done, or was. Answered as a failure (500), never as
 * "try again" (503): a client that sent the same refresh token again would find it used, and the session ended as if
 * the token had been stolen.
 */
public final class CommitUncertain extends RuntimeException {
    private CommitUncertain(Throwable cause) {
        super("the connection to the database was lost while a write was under way; it may have committed", cause);
    }

    /** A failure after the write committed, whatever it was. */
    public static CommitUncertain afterCommit(RuntimeException failure) {
        return new CommitUncertain(failure);
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
