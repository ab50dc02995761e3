package dev.latchkey.db;

import dev.latchkey.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The batching of {@link GroupCommit}, with a batch function that records what it was given instead of SQL. */
class GroupCommitTest {
    private final List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
    private GroupCommit<Integer, String> commit;

    @AfterEach
    void stop() {
        if (commit != null) {
            commit.close();
        }
        callers.shutdownNow();
    }

    /** Answers "n" for an even n and empty for an odd one, after {@code gate} opens for the first batch. */
    private Function<List<Integer>, List<Optional<String>>> recording(CountDownLatch gate) {
        return items -> {
            batches.add(List.copyOf(items));
            await(gate);
            return items.stream().map(n -> n % 2 == 0 ? Optional.of("n" + n) : Optional.<String>empty()).toList();
        };
    }

    private static void await(CountDownLatch gate) {
        try {
            gate.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Future<Optional<String>> submit(int item) {
        return callers.submit(() -> commit.submit(item));
    }

    /** Submits the first batch's one item and waits until that batch runs (the tests hold it there). */
    private Future<Optional<String>> submitFirstBatch(int item) {
        Future<Optional<String>> submitted = submit(item);
        Await.until(() -> batches.size() == 1, 5_000, "the first batch runs");
        return submitted;
    }

    @Test
    void submitWhenAloneThenRunsAtOnceAsABatchOfOne() {
        commit = new GroupCommit<>("test-commit", 16, recording(new CountDownLatch(0)));

        assertThat(commit.submit(4)).contains("n4");
        assertThat(commit.submit(3)).isEmpty();
        assertThat(batches).containsExactly(List.of(4), List.of(3));
    }

    @Test
    void submitWhileABatchRunsThenTheWaitingItemsRunTogetherAndEachGetsItsOwnAnswer() throws Exception {
        var firstBatchHeld = new CountDownLatch(1);
        commit = new GroupCommit<>("test-commit", 16, items -> {
            if (batches.isEmpty()) {
                batches.add(List.copyOf(items));
                await(firstBatchHeld);
                return items.stream().map(n -> Optional.of("n" + n)).toList();
            }
            return recording(new CountDownLatch(0)).apply(items);
        });
        Future<Optional<String>> first = submitFirstBatch(100);
        List<Future<Optional<String>>> waiting = IntStream.range(0, 10).mapToObj(this::submit).toList();
        Await.until(() -> commit.waiting() == 10, 5_000, "the callers wait for the next batch");

        firstBatchHeld.countDown();

        assertThat(first.get(5, TimeUnit.SECONDS)).contains("n100");
        for (int n = 0; n < 10; n++) {
            assertThat(waiting.get(n).get(5, TimeUnit.SECONDS)).isEqualTo(n % 2 == 0 ? Optional.of("n" + n)
                    : Optional.empty());
        }
        assertThat(batches).hasSize(2);
        assertThat(batches.get(1)).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 10).boxed().toList());
    }

    @Test
    void submitWhenMoreWaitThanABatchHoldsThenTheyRunInBatchesOfAtMostTheLimit() throws Exception {
        var firstBatchHeld = new CountDownLatch(1);
        commit = new GroupCommit<>("test-commit", 4, recording(firstBatchHeld));
        Future<Optional<String>> first = submitFirstBatch(0);
        List<Future<Optional<String>>> waiting = IntStream.rangeClosed(1, 10).mapToObj(this::submit).toList();
        Await.until(() -> commit.waiting() == 10, 5_000, "the callers wait for the next batch");

        firstBatchHeld.countDown();

        first.get(5, TimeUnit.SECONDS);
        for (var answer : waiting) {
            answer.get(5, TimeUnit.SECONDS);
        }
        assertThat(batches).extracting(List::size).containsExactly(1, 4, 4, 2);
    }

    @Test
    void submitWhenTheBatchFailsThenEveryCallerGetsItsFailureAndTheNextBatchRuns() throws Exception {
        var failure = new IllegalStateException("deadlock detected");
        var firstBatchHeld = new CountDownLatch(1);
        commit = new GroupCommit<>("test-commit", 16, items -> {
            batches.add(List.copyOf(items));
            if (batches.size() <= 2) {
                await(firstBatchHeld);
                throw failure;
            }
            return items.stream().map(n -> Optional.of("n" + n)).toList();
        });
        Future<Optional<String>> first = submitFirstBatch(2);
        List<Future<Optional<String>>> together = List.of(submit(4), submit(6));
        Await.until(() -> commit.waiting() == 2, 5_000, "two callers wait for the next batch");

        firstBatchHeld.countDown();

        for (var answer : List.of(first, together.get(0), together.get(1))) {
            assertThatThrownBy(() -> answer.get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().hasCause(failure);
        }
        assertThat(batches).hasSize(2);
        assertThat(batches.get(1)).containsExactlyInAnyOrder(4, 6);
        assertThat(commit.submit(8)).contains("n8");
    }

    @Test
    void submitWhenTheBatchThrowsAnErrorThenItsCallersGetTheFailureAndLaterItemsGoTheirOwnWay() throws Exception {
        var error = new AssertionError("out of memory while reading the answer");
        commit = new GroupCommit<>("test-commit", 16, items -> {
            batches.add(List.copyOf(items));
            throw error;
        });

        assertThatThrownBy(() -> commit.submit(2)).isInstanceOf(IllegalStateException.class).hasCause(error);
        Await.until(() -> !commit.isOpen(), 5_000, "the batching thread has stopped");
        assertThat(commit.submit(4)).isEmpty();
        assertThat(batches).containsExactly(List.of(2));
    }

    @Test
    void submitWhenClosedThenEmptyWithoutRunningAnything() {
        commit = new GroupCommit<>("test-commit", 16, recording(new CountDownLatch(0)));
        commit.close();

        assertThat(commit.submit(2)).isEmpty();
        assertThat(batches).isEmpty();
    }

    @Test
    void closeWhileABatchRunsThenThatBatchFinishesAndTheItemsWaitingGetEmpty() throws Exception {
        var firstBatchHeld = new CountDownLatch(1);
        commit = new GroupCommit<>("test-commit", 16, recording(firstBatchHeld));
        Future<Optional<String>> running = submitFirstBatch(8);
        Future<Optional<String>> waiting = submit(10);
        Await.until(() -> commit.waiting() == 1, 5_000, "a caller waits for the next batch");
        Future<?> closing = callers.submit(commit::close);
        Await.until(() -> !commit.isOpen(), 5_000, "closing");

        firstBatchHeld.countDown();

        closing.get(5, TimeUnit.SECONDS);
        assertThat(running.get(5, TimeUnit.SECONDS)).contains("n8");
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isEmpty();
        assertThat(commit.submit(12)).isEmpty();
        assertThat(batches).hasSize(1);
    }
}
