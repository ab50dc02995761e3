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
 * <p>A batch that fails is rolled back whole, and each of its callers gets empty: the caller then does its item the
 * general way, on its own, where a failure is its own. So is any item submitted once this is closed.
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
        this.worker = Thread.ofPlatform().daemon().name(name).start(this::work);
    }

    /**
     * Blocks until the item's batch has committed; empty when it changed nothing for this item, when the batch failed
     * (and so wrote nothing), or when this is closed.
     */
    public Optional<O> submit(I item) {
        var waiting = new Waiting<I, O>(item, new CompletableFuture<>());
        queue.add(waiting);
        if (!open) {
            failWaiting(); // the worker may have stopped before this item arrived
        }
        try {
            return waiting.result().get();
        } catch (ExecutionException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
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
            open = false; // also when something unforeseen ended this thread: callers then go their own way
            batch.forEach(waiting -> waiting.result().complete(Optional.empty()));
            failWaiting();
        }
    }

    private void runBatch(List<Waiting<I, O>> batch) {
        try {
            List<Optional<O>> results = run.apply(batch.stream().map(Waiting::item).toList());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(results.get(i));
            }
        } catch (RuntimeException e) {
            // e.g. a deadlock with a batch of another node that held the same tokens; each item is retried on its own
            log.warn("a batch of {} failed and was rolled back; each of its items is done on its own: {}",
                    batch.size(), e.toString());
            batch.forEach(waiting -> waiting.result().complete(Optional.empty()));
        }
    }

    private void failWaiting() {
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
