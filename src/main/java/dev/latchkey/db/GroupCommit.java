package dev.latchkey.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs small writes that arrive together as one batch, in one statement and one commit. A commit waits for its flush
 * of PostgreSQL's write-ahead log, and for a write as small as a token rotation that wait and the round trip around it
 * cost more than the write itself; a batch pays them once for all its items.
 *
 * <p>One thread runs the batches, one at a time. A batch is whatever arrived while the previous one ran (at most
 * {@code maxBatch} items): under light load each item runs alone, at once, and under load the batches grow by
 * themselves. Since batches never overlap, two of them never wait for each other's row locks. Each caller waits until
 * its batch has committed, so an answer never promises a write that is not durable.
 *
 * <p>A batch that fails throws its exception to each of its callers, who decide: work that failed over a lock
 * ({@link LockConflict}) was rolled back whole and may be done again on its own. Once this is closed (or its thread
 * has died of an {@link Error}), every item not yet in a batch gets empty, as one the batch changed nothing for, and
 * goes its own way.
 *
 * @param <I> an item to write
 * @param <O> what the batch answers for one item
 */
public final class GroupCommit<I, O> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
    private static final long POLL_MILLIS = 200;

    private final Function<List<I>, List<Optional<O>>> run;
    private final int maxBatch;
    private final BlockingQueue<Waiting<I, O>> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean open = true;

    private record Waiting<I, O>(I item, CompletableFuture<Optional<O>> result) {
    }

    /**
     * @param run runs a batch (in one transaction) and answers for each item, in their order: empty where it changed
     *            nothing for that item
     */
    public GroupCommit(String name, int maxBatch, Function<List<I>, List<Optional<O>>> run) {
        this.run = run;
        this.maxBatch = maxBatch;
        this.worker = Thread.ofPlatform().daemon().name(name)
                .uncaughtExceptionHandler((thread, error) -> log.error("{} died", thread.getName(), error))
                .start(this::work);
    }

    /**
     * Blocks until the item's batch has committed and answers for the item; empty when the batch changed nothing for
     * it or this is closed. When the batch failed, throws an exception caused by the batch's: the batch then wrote
     * nothing or, should the connection have failed while the answer was read, perhaps everything.
     */
    public Optional<O> submit(I item) {
        var waiting = new Waiting<I, O>(item, new CompletableFuture<>());
        queue.add(waiting);
        if (!open) {
            answerWaitingWithEmpty(); // the worker may have stopped before this item arrived
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return waiting.result().get();
                } catch (InterruptedException e) {
                    // the item may be in the batch running: its caller must learn what became of it
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            // each caller throws an exception of its own: one object thrown in many threads would gather their traces
            throw new IllegalStateException("the batch of this item failed", e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** How many items wait for the next batch (for tests). */
    int waiting() {
        return queue.size();
    }

    /** False once closed or once its thread has died (for tests). */
    boolean isOpen() {
        return open;
    }

    private void work() {
        List<Waiting<I, O>> batch = new ArrayList<>(maxBatch);
        try {
            while (open) {
                Waiting<I, O> first = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, maxBatch - 1);
                    runBatch(batch);
                    batch.clear();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (open) {
                log.error("{} stopped unexpectedly: from now on every item is written on its own", worker.getName());
            }
            open = false;
            batch.forEach(waiting -> waiting.result().complete(Optional.empty()));
            answerWaitingWithEmpty();
        }
    }

    private void runBatch(List<Waiting<I, O>> batch) {
        List<Optional<O>> results;
        try {
            results = run.apply(batch.stream().map(Waiting::item).toList());
        } catch (Throwable e) {
            // whatever it was, it may have come after the commit: the callers must not take it for "nothing done"
            log.warn("a batch of {} failed: {}", batch.size(), e.toString());
            batch.forEach(waiting -> waiting.result().completeExceptionally(e));
            if (e instanceof Error error) {
                throw error;
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(results.get(i));
        }
    }

    private void answerWaitingWithEmpty() {
        for (Waiting<I, O> waiting = queue.poll(); waiting != null; waiting = queue.poll()) {
            waiting.result().complete(Optional.empty());
        }
    }

    /** Lets the batch running finish; items still waiting, and any submitted later, get empty. */
    @Override
    public void close() {
        open = false;
        try {
            worker.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
