package dev.latchkey.verification;

import dev.latchkey.http.ApiError;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * For requests that name an email address and whose work differs with it (a token and a mail written for an account,
 * nothing for an unknown address): the answer comes no sooner than a fixed time after the work began, so that its time
 * tells nothing. The unknown address's stand-in work came close but not close enough: the writes left a known address
 * 1–2 ms slower on PostgreSQL, which a few hundred requests tell apart. The wait is on a virtual thread and holds no
 * database connection.
 */
public final class SteadyAnswer {
    /** Well above what the work takes on a busy node (5–10 ms), and nothing a person waiting for a mail notices. */
    public static final Duration FLOOR = Duration.ofMillis(100);

    private SteadyAnswer() {
    }

    /** Runs {@code work}, then waits until {@link #FLOOR} has passed since it began. A failure answers at once. */
    public static void run(Runnable work) {
        long start = System.nanoTime();
        work.run();
        waitOut(start, FLOOR);
    }

    /**
     * As {@link #run}, for work whose refusal is the answer most callers get (a wrong login code): an {@link ApiError}
     * waits out the floor too. Other failures answer at once.
     */
    public static <T> T call(Supplier<T> work) {
        long start = System.nanoTime();
        T answer = refusedNoSooner(FLOOR, work);
        waitOut(start, FLOOR);
        return answer;
    }

    /**
     * Runs {@code work}; when it refuses with an {@link ApiError} of a 4xx status, the refusal comes no sooner than
     * {@code floor} after the work began. An answer that is not a refusal, or another failure, comes at once: so does
     * a 5xx, such as the 503 of a hashing queue that is full, which answers alike whoever the request names: a flood
     * is refused at once rather than held.
     */
    public static <T> T refusedNoSooner(Duration floor, Supplier<T> work) {
        return refusedNoSooner(() -> floor, work);
    }

    /**
     * As {@link #refusedNoSooner(Duration, Supplier)}, with a floor that is worked out only for a refusal, after the
     * work (which may take a while the first time, such as measuring a verification): an answer that is not a refusal
     * never waits for it. The refusal still comes no sooner than the floor after the work began; a floor that cannot be
     * worked out answers its own failure instead.
     */
    public static <T> T refusedNoSooner(Supplier<Duration> floor, Supplier<T> work) {
        long start = System.nanoTime();
        try {
            return work.get();
        } catch (ApiError refused) {
            if (refused.status() < 500) {
                waitOut(start, floor.get());
            }
            throw refused;
        }
    }

    private static void waitOut(long start, Duration floor) {
        long left = floor.toNanos() - (System.nanoTime() - start);
        if (left > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the server is stopping: answer now
            }
        }
    }
}
