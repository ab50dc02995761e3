package dev.latchkey.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Sends requests from several threads at once and collects the answers. */
public final class Concurrently {
    private Concurrently() {
    }

    public static List<Integer> statuses(int times, Callable<Api.Res> call) {
        return all(Collections.nCopies(times, call)).stream().map(Api.Res::status).toList();
    }

    /** Starts every call at the same instant, each on its own thread; the answers in the order of the calls. */
    public static List<Api.Res> all(List<Callable<Api.Res>> calls) {
        var start = new CountDownLatch(1);
        try (var pool = Executors.newFixedThreadPool(calls.size())) {
            List<Future<Api.Res>> futures = new ArrayList<>();
            for (Callable<Api.Res> call : calls) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<Api.Res> answers = new ArrayList<>();
            for (Future<Api.Res> future : futures) {
                answers.add(future.get());
            }
            return answers;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
