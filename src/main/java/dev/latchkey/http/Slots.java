package dev.latchkey.http;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The few slots of a node for work that only a few may do at once (each holds much memory, or keeps the database busy
 * for long): work that finds them all taken is refused at once with 503 {@code overloaded} and Retry-After, rather than
 * waiting in line while its client waits, or adding what it holds to the others'.
 */
public final class Slots {
    private static final String RETRY_AFTER_SECONDS = "5";

    private final Semaphore free;
    private final String refusal;

    /** {@code refusal} says what there is too much of, for the client refused. */
    public Slots(int count, String refusal) {
        this.free = new Semaphore(count);
        this.refusal = refusal;
    }

    /** A slot, held until it is closed; 503 {@code overloaded} when none is free. */
    public Slot take() {
        if (!free.tryAcquire()) {
            throw new ApiError(503, "overloaded", refusal).withHeader("Retry-After", RETRY_AFTER_SECONDS);
        }
        return new Slot();
    }

    /** Frees its slot when closed; closed again, it frees no other. */
    public final class Slot implements AutoCloseable {
        private final AtomicBoolean held = new AtomicBoolean(true);

        private Slot() {
        }

        @Override
        public void close() {
            if (held.getAndSet(false)) {
                free.release();
            }
        }
    }
}
