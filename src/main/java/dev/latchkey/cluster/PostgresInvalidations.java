package dev.latchkey.cluster;

import dev.latchkey.config.Config;
import dev.latchkey.db.Database;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Invalidations over PostgreSQL NOTIFY/LISTEN. Publishing delivers locally at once and sends a NOTIFY that every node,
 * this one too, receives on its own listening connection. PostgreSQL hands a notification to all listeners at the same
 * commit, so the publisher waits (briefly, bounded) until its own copy comes back: by then the other nodes have theirs,
 * and the revocation holds on whichever node the client's next request reaches. When the listening connection fails
 * the node cannot know what it missed, so it drops all its caches and reconnects.
 */
public final class PostgresInvalidations implements Invalidations {
    static final String CHANNEL = "latchkey_invalidation";
    private static final Logger log = LoggerFactory.getLogger(PostgresInvalidations.class);
    private static final int POLL_MILLIS = 250;
    private static final long ECHO_WAIT_MILLIS = 500;

    private final Config config;
    private final Database db;
    private final List<Consumer<Invalidation>> listeners = new CopyOnWriteArrayList<>();
    private final String nodeId = UUID.randomUUID().toString();
    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, CompletableFuture<Void>> awaitingEcho = new ConcurrentHashMap<>();
    private final Thread listenerThread;
    private volatile boolean running = true;

    public PostgresInvalidations(Config config, Database db) {
        this.config = config;
        this.db = db;
        this.listenerThread = Thread.ofPlatform().daemon().name("latchkey-invalidation-listener").start(this::listen);
    }

    @Override
    public void publish(Invalidation invalidation) {
        deliver(invalidation);
        String echoId = nodeId + ":" + sequence.incrementAndGet();
        var echo = new CompletableFuture<Void>();
        awaitingEcho.put(echoId, echo);
        try {
            db.run(h -> h.createQuery("SELECT pg_notify(:channel, :payload)")
                    .bind("channel", CHANNEL).bind("payload", invalidation.encode() + "|" + echoId)
                    .mapTo(String.class).findOne());
            echo.get(ECHO_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            log.warn("invalidation echo did not come back within {} ms; other nodes may lag", ECHO_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            awaitingEcho.remove(echoId);
        }
    }

    @Override
    public void subscribe(Consumer<Invalidation> listener) {
        listeners.add(listener);
    }

    private void deliver(Invalidation invalidation) {
        for (Consumer<Invalidation> listener : listeners) {
            try {
                listener.accept(invalidation);
            } catch (RuntimeException e) {
                log.warn("an invalidation listener failed", e);
            }
        }
    }

    private void listen() {
        long backoff = 100;
        while (running) {
            try (Connection connection = DriverManager.getConnection(config.databaseUrl(), config.databaseUser(),
                    config.databasePassword())) {
                try (var statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                // Whatever happened while we were not listening is unknown: start from empty caches.
                deliver(Invalidation.EVERYTHING);
                backoff = 100;
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            receive(notification.getParameter());
                        }
                    }
                }
            } catch (SQLException e) {
                if (running) {
                    log.warn("invalidation listener lost its connection; reconnecting in {} ms", backoff);
                    sleep(backoff);
                    backoff = Math.min(backoff * 2, 5_000);
                }
            }
        }
    }

    private void receive(String payload) {
        int echoAt = payload.lastIndexOf('|');
        deliver(Invalidation.decode(echoAt < 0 ? payload : payload.substring(0, echoAt)));
        if (echoAt >= 0) {
            CompletableFuture<Void> echo = awaitingEcho.get(payload.substring(echoAt + 1));
            if (echo != null) {
                echo.complete(null);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        listenerThread.interrupt();
        try {
            listenerThread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        listeners.clear();
    }
}
