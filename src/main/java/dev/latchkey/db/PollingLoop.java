package dev.latchkey.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * A node's thread that works through a queue kept in the database (the mail outbox, webhook deliveries): it runs a
 * round again at once while rounds handle full batches, else after {@code pollMillis} or as soon as {@link #wake} is
 * called after a commit that queued work. A round that fails (the database is away) is logged without values and tried
 * again at the next poll.
 */
public final class PollingLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PollingLoop.class);
    private static final Duration STOP_WITHIN = Duration.ofSeconds(20);

    private final String name;
    private final long pollMillis;
    private final int batch;
    private final IntSupplier round;
    private final BlockingQueue<Boolean> signal = new ArrayBlockingQueue<>(1);
    private volatile boolean running;
    private Thread thread;

    /** {@code round} answers how many items it handled; {@code batch} is the most it handles at once. */
    public PollingLoop(String name, long pollMillis, int batch, IntSupplier round) {
        this.name = name;
        this.pollMillis = pollMillis;
        this.batch = batch;
        this.round = round;
    }

    public synchronized void start() {
        if (thread == null) {
            running = true;
            thread = Thread.ofPlatform().name("latchkey-" + name).daemon().start(this::loop);
        }
    }

    /** Work was just committed: look now instead of at the next poll. */
    public void wake() {
        signal.offer(Boolean.TRUE);
    }

    /** False once closing began: a round stops between two items. */
    public boolean running() {
        return running;
    }

    /** Stops the thread, interrupting what it waits for, and waits a while for it to end. */
    @Override
    public void close() {
        close(() -> { });
    }

    /**
     * As {@link #close()}, running {@code breakOff} once {@link #running} answers false and before the wait: it ends
     * what an interrupt does not, such as a read from a socket, and the round then sees that the stop caused it.
     */
    public synchronized void close(Runnable breakOff) {
        running = false;
        breakOff.run();
        if (thread == null) {
            return;
        }
        thread.interrupt();
        try {
            thread.join(STOP_WITHIN.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread = null;
    }

    private void loop() {
        while (running) {
            int handled = 0;
            try {
                handled = round.getAsInt();
            } catch (RuntimeException e) {
                if (running) {
                    log.warn("{}: cannot work through the queue ({}); trying again", name,
                            DatabaseErrors.withoutValues(e).toString());
                }
            }
            if (handled < batch) {
                try {
                    signal.poll(pollMillis, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
