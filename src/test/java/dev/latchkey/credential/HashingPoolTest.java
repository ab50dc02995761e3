package dev.latchkey.credential;

import dev.latchkey.http.ApiError;
import dev.latchkey.testing.Await;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HashingPoolTest {
    @Test
    void whenTheQueueIsFullThenRunAnswers503AndRunUnlessFullIsEmptyWithoutRunningAnything() throws Exception {
        try (var pool = new HashingPool(1, 1, 64)) {
            var started = new CountDownLatch(1);
            var release = new CountDownLatch(1);
            Thread busy = Thread.ofPlatform().start(() -> pool.run(memory -> {
                started.countDown();
                awaitQuietly(release);
                return "busy"; // work answers a value: null would read as "not run"
            }));
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            var queuedResult = new AtomicReference<String>();
            Thread queued = Thread.ofPlatform().start(() -> queuedResult.set(pool.run(memory -> "queued")));
            Await.until(() -> queued.getState() == Thread.State.WAITING, 10_000, "the second hash queued");
            assertThat(queued.getState()).as("queued, waiting for its hash").isEqualTo(Thread.State.WAITING);

            var ran = new AtomicBoolean();
            assertThat(pool.runUnlessFull(memory -> ran.getAndSet(true))).isEmpty();
            assertThatThrownBy(() -> pool.run(memory -> ran.getAndSet(true)))
                    .isInstanceOfSatisfying(ApiError.class, e -> {
                        assertThat(e.status()).isEqualTo(503);
                        assertThat(e.code()).isEqualTo("overloaded");
                    });
            release.countDown();
            busy.join();
            queued.join();
            assertThat(queuedResult.get()).isEqualTo("queued");
            assertThat(ran).isFalse();
            assertThat(pool.runUnlessFull(memory -> "room again")).contains("room again");
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
