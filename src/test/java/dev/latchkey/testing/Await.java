package dev.latchkey.testing;

import java.util.function.BooleanSupplier;

/** Waits for something a background thread of the server brings about, polling, and fails the test after a deadline. */
public final class Await {
    private Await() {
    }

    public static void until(BooleanSupplier condition, long timeoutMillis, String what) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not so within " + timeoutMillis + " ms");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
