package dev.latchkey.credential;

import dev.latchkey.http.ApiError;

import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs password hashing on a few platform threads (one per core by default) with a bounded queue. A login flood then
 * waits in line instead of taking every core from token validation, and beyond the queue it is refused with 503 and
 * Retry-After rather than piling up. Each thread keeps the memory of one hash of {@code keptKib} KiB between hashes
 * (taken on its first hash, so an idle server holds none) and wipes it whenever it finds no hash waiting.
 */
public final class HashingPool implements AutoCloseable {
    private final ThreadPoolExecutor executor;
    private final ThreadLocal<Argon2Memory> memory;

    public HashingPool(int threads, int queueSize, int keptKib) {
        this.memory = ThreadLocal.withInitial(() -> new Argon2Memory(keptKib));
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
                new WorkQueue(queueSize),
                Thread.ofPlatform().daemon().name("latchkey-hash-", 0).factory(),
                new ThreadPoolExecutor.AbortPolicy());
    }

    /** Runs the work on a hashing thread, handing it the Argon2 memory that thread keeps; 503 when too many wait. */
    <T> T run(Function<Argon2Memory, T> work) {
        return runUnlessFull(work).orElseThrow(() -> new ApiError(503, "overloaded",
                "Too many password checks are waiting; try again shortly.").withHeader("Retry-After", "1"));
    }

    /**
     * As {@link #run}, but empty, with nothing run, when the queue is full: for work that may wait for another time.
     * The work must answer a value (a hash, a verdict), never null.
     */
    <T> Optional<T> runUnlessFull(Function<Argon2Memory, T> work) {
        Future<T> future;
        try {
            future = executor.submit(() -> work.apply(memory.get()));
        } catch (RejectedExecutionException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(future.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hashing", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The hashes waiting; a hashing thread that finds none wipes its Argon2 memory before it waits for the next. */
    private final class WorkQueue extends ArrayBlockingQueue<Runnable> {
        WorkQueue(int capacity) {
            super(capacity);
        }

        @Override
        public Runnable take() throws InterruptedException {
            Runnable next = poll();
            if (next != null) {
                return next;
            }
            memory.get().wipe();
            return super.take();
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
