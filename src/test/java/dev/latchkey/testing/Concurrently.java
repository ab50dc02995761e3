package dev.latchkey.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Sends the same request from several threads at once and collects the statuses. */
public final class Concurrently {
    private Concurrently() {
    }

    public static List<Integer> statuses(int times, Callable<Api.Res> call) {
        var start = new CountDownLatch(1);
        try (var pool = Executors.newFixedThreadPool(times)) {
            List<Future<Api.Res>> futures = new ArrayList<>();
            for (int i = 0; i < times; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Api.Res> future : futures) {
                statuses.add(future.get().status());
            }
            return statuses;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
