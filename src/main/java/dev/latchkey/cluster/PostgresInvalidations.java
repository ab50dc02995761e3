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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Invalidations over PostgreSQL NOTIFY/LISTEN. Publishing evicts locally at once and sends a NOTIFY that every node,
 * this one too, receives on its own listening connection; each node evicts and answers with an acknowledgement. The
 * publisher waits (bounded) until every listening node has acknowledged, so when the revoking request answers, the
 * revocation holds on whichever node the client's next request reaches. The listening nodes are counted in
 * pg_stat_activity (their listening connection runs nothing but the LISTEN). When a listening connection fails, that
 * node cannot know what it missed, so it drops all its caches and reconnects.
 */
public final class PostgresInvalidations implements Invalidations {
    static final String CHANNEL = "latchkey_invalidation";
    private static final Logger log = LoggerFactory.getLogger(PostgresInvalidations.class);
    private static final int POLL_MILLIS = 250;
    private static final long ACK_WAIT_MILLIS = 1_000;
    private static final long LISTENER_COUNT_TTL_NANOS = 1_000_000_000L;
    private static final String INVALIDATE = "I|";
    private static final String ACK = "A|";

    private final Config config;
    private final Database db;
    private final List<Consumer<Invalidation>> subscribers = new CopyOnWriteArrayList<>();
    private final String nodeId = UUID.randomUUID().toString();
    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, PendingAck> awaitingAcks = new ConcurrentHashMap<>();
    private final ExecutorService acks = Executors.newVirtualThreadPerTaskExecutor();
    private volatile int listeningCount;
    private volatile long listenersCountedAt = System.nanoTime() - 2 * LISTENER_COUNT_TTL_NANOS;

    /** Acknowledgements still due for one published invalidation. */
    private record PendingAck(AtomicInteger missing, CompletableFuture<Void> done) {
        void acknowledge() {
            if (missing.decrementAndGet() <= 0) {
                done.complete(null);
            }
        }
    }
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
        var pending = new PendingAck(new AtomicInteger(listeningNodes()), new CompletableFuture<>());
        if (pending.missing().get() <= 0) {
            pending.done().complete(null);
        }
        awaitingAcks.put(echoId, pending);
        try {
            notify(INVALIDATE + invalidation.encode() + "|" + echoId);
            pending.done().get(ACK_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            log.warn("not every node acknowledged an invalidation within {} ms; a lagging node drops its cache on "
                    + "reconnect and its entries expire within 30 s", ACK_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            awaitingAcks.remove(echoId);
        }
    }

    /** Counted at most once a second: a revocation should cost a notification, not a catalogue query too. */
    private int listeningNodes() {
        long now = System.nanoTime();
        if (now - listenersCountedAt > LISTENER_COUNT_TTL_NANOS) {
            listeningCount = db.read(h -> h.createQuery("SELECT count(*) FROM pg_stat_activity "
                            + "WHERE datname = current_database() AND query = :listen")
                    .bind("listen", "LISTEN " + CHANNEL)
                    .mapTo(Integer.class).one());
            listenersCountedAt = now;
        }
        return listeningCount;
    }

    private void notify(String payload) {
        db.run(h -> h.createQuery("SELECT pg_notify(:channel, :payload)")
                .bind("channel", CHANNEL).bind("payload", payload)
                .mapTo(String.class).findOne());
    }

    @Override
    public void subscribe(Consumer<Invalidation> listener) {
        subscribers.add(listener);
    }

    private void deliver(Invalidation invalidation) {
        for (Consumer<Invalidation> listener : subscribers) {
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
                            try {
                                receive(notification.getParameter());
                            } catch (RuntimeException e) {
                                log.warn("could not handle an invalidation message", e);
                            }
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
        if (payload.startsWith(ACK)) {
            PendingAck pending = awaitingAcks.get(payload.substring(ACK.length()));
            if (pending != null) {
                pending.acknowledge();
            }
            return;
        }
        String message = payload.startsWith(INVALIDATE) ? payload.substring(INVALIDATE.length()) : payload;
        int echoAt = message.lastIndexOf('|');
        deliver(Invalidation.decode(message.substring(0, echoAt)));
        // acknowledged from another thread: the listener goes straight back to delivering the next notification
        String ack = ACK + message.substring(echoAt + 1);
        acks.execute(() -> {
            try {
                notify(ack);
            } catch (RuntimeException e) {
                log.warn("could not acknowledge an invalidation", e);
            }
        });
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
        subscribers.clear();
        acks.shutdownNow();
    }
}
