package dev.latchkey.cluster;

import dev.latchkey.config.Config;
import dev.latchkey.db.Database;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Invalidations over PostgreSQL NOTIFY/LISTEN. Publishing evicts locally at once and hands the message to a sender
 * thread, which sends every message waiting at that moment as one NOTIFY; every other node receives it on its
 * listening connection, evicts, and answers with one acknowledgement. The publisher waits (bounded) until every other
 * listening node has acknowledged, so when the revoking request answers, the revocation holds on whichever node the
 * client's next request reaches. The listening nodes are counted in pg_stat_activity (their listening connection runs
 * nothing but the LISTEN). When a listening connection fails, that node cannot know what it missed, so it drops all
 * its caches and reconnects. Notifications, acknowledgements and the count go over a second connection of the node's
 * own, never the pool's ({@link ChannelConnection} says why).
 *
 * <p>Why batches, and why without waiting for the disk: PostgreSQL serialises the commits of all notifying
 * transactions, so one NOTIFY per revocation, each waiting for its WAL flush, would cap refreshes and logouts at one
 * per disk flush across the whole cluster. A batch is committed with {@code synchronous_commit} off for that
 * transaction only; a cache eviction needs no durability.
 *
 * <p>A node that counted no other listening node (at most a second ago) sends nothing: a lone node, the usual
 * deployment, then pays no notification per refresh or logout. A node that has just started listening may not have
 * been counted yet by the others, so it caches nothing until its listener has been up for longer than a count lives
 * ({@link #HOLD_OFF_NANOS}); by then every other node counts it, and whatever a revocation sent to nobody had changed
 * is in the database it reads. A node whose listener is down caches nothing either.
 */
public final class PostgresInvalidations implements Invalidations {
    private static final String CHANNEL = "latchkey_invalidation";
    private static final Logger log = LoggerFactory.getLogger(PostgresInvalidations.class);
    private static final int POLL_MILLIS = 250;
    private static final long ACK_WAIT_MILLIS = 1_000;
    private static final long LISTENER_COUNT_TTL_NANOS = 1_000_000_000L;
    /** A count's lifetime and a second's margin for the counting query and clock rates. */
    private static final long HOLD_OFF_NANOS = LISTENER_COUNT_TTL_NANOS + 1_000_000_000L;
    /** PostgreSQL refuses payloads of 8000 bytes or more. */
    private static final int MAX_PAYLOAD_BYTES = 7_900;
    private static final String INVALIDATE = "I|";
    private static final String ACK = "A|";
    /** A batch or acknowledgement whose sending fails is sent once more, on a new connection. */
    private static final int SEND_ATTEMPTS = 2;

    private final Config config;
    private final ChannelConnection sending;
    private final List<Consumer<Invalidation>> subscribers = new CopyOnWriteArrayList<>();
    private final String nodeId = UUID.randomUUID().toString();
    private final String channel;
    private final AtomicLong sequence = new AtomicLong();
    private final BlockingQueue<Outgoing> outgoing = new LinkedBlockingQueue<>();
    private final Map<String, PendingAck> awaitingAcks = new ConcurrentHashMap<>();
    private final ExecutorService acks = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread listenerThread;
    private final Thread senderThread;
    private volatile boolean running = true;
    private volatile int otherListeners;
    /** The backend of this node's own listening connection, left out when counting the others; 0 while unconnected. */
    private volatile int ownListenerPid;
    private volatile long listenersCountedAt = System.nanoTime() - 2 * LISTENER_COUNT_TTL_NANOS;
    /** False until the listener has been up for {@link #HOLD_OFF_NANOS}, and again from the moment it fails. */
    private volatile boolean caching;

    /** One published message; {@code done} completes when every other node has acknowledged its batch. */
    private record Outgoing(String line, CompletableFuture<Void> done) {
    }

    /** Acknowledgements still due for one sent batch. */
    private record PendingAck(AtomicInteger missing, CompletableFuture<Void> done) {
        void acknowledge() {
            if (missing.decrementAndGet() <= 0) {
                done.complete(null);
            }
        }
    }

    public PostgresInvalidations(Config config, Database db) {
        this.config = config;
        this.sending = new ChannelConnection(config);
        this.channel = channelFor(db.read(h -> h.createQuery("SELECT current_schema()").mapTo(String.class).one()));
        this.listenerThread = Thread.ofPlatform().daemon().name("latchkey-invalidation-listener").start(this::listen);
        this.senderThread = Thread.ofPlatform().daemon().name("latchkey-invalidation-sender").start(this::send);
    }

    /**
     * Notifications and listeners are per database, so deployments in separate schemas of one database would take each
     * other for nodes of one cluster: each schema other than {@code public} gets a channel of its own, named by a hash
     * of the schema's name, since a channel's name is an identifier of at most 63 bytes. {@code public} keeps the plain
     * name that every version has used, so that old and new nodes still hear each other during a rolling upgrade.
     */
    static String channelFor(String schema) {
        if (schema == null || schema.equals("public")) {
            return CHANNEL;
        }
        // String.hashCode is specified, so every node derives the same name; two schemas whose names hash alike only
        // hear each other's messages, as every schema did before channels were per schema
        return CHANNEL + "_" + String.format("%08x", schema.hashCode());
    }

    @Override
    public void publish(Invalidation invalidation) {
        publishAll(List.of(invalidation));
    }

    /**
     * Evicts locally and queues every message before waiting once, for them all: the sender thread takes them into as
     * few notifications as their size allows.
     */
    @Override
    public void publishAll(List<Invalidation> invalidations) {
        invalidations.forEach(this::deliver);
        if (invalidations.isEmpty() || aloneByFreshCount()) {
            return;
        }
        List<Outgoing> messages = invalidations.stream()
                .map(invalidation -> new Outgoing(invalidation.encode(), new CompletableFuture<>())).toList();
        outgoing.addAll(messages);
        try {
            CompletableFuture.allOf(messages.stream().map(Outgoing::done).toArray(CompletableFuture[]::new))
                    .get(ACK_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            log.warn("not every node acknowledged an invalidation within {} ms; a lagging node drops its cache on "
                    + "reconnect and its entries expire within 30 s", ACK_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send() {
        while (running) {
            List<Outgoing> batch;
            try {
                batch = nextBatch();
            } catch (InterruptedException e) {
                return;
            }
            for (int attempt = 1; ; attempt++) {
                try {
                    sendBatch(batch);
                    break;
                } catch (RuntimeException e) {
                    // The connection is dropped on a failure, so the next attempt connects afresh: a backend ended
                    // between two uses (a failover, a proxy's reset) costs a reconnect, not the other nodes' eviction.
                    if (attempt < SEND_ATTEMPTS && running) {
                        continue;
                    }
                    if (running) {
                        log.warn("could not send invalidations to the other nodes; their cached entries expire "
                                + "within 30 s", e);
                    }
                    batch.forEach(message -> message.done().complete(null));
                    break;
                }
            }
        }
    }

    /**
     * Counts the other listening nodes and, when there are any, notifies them; the batch's messages are done once
     * each has acknowledged. Each attempt has an id of its own: should a failed attempt have reached the nodes after
     * all, their acknowledgements of it count for nothing, and the attempt after it waits for its own.
     */
    private void sendBatch(List<Outgoing> batch) {
        int others = otherListeningNodes();
        if (others == 0) {
            batch.forEach(message -> message.done().complete(null)); // nobody else listens (see the class comment)
            return;
        }
        String batchId = nodeId + ":" + sequence.incrementAndGet();
        var pending = new PendingAck(new AtomicInteger(others), new CompletableFuture<>());
        awaitingAcks.put(batchId, pending);
        pending.done().whenComplete((ignored, failure) -> {
            awaitingAcks.remove(batchId);
            batch.forEach(message -> message.done().complete(null));
        });
        StringBuilder payload = new StringBuilder(INVALIDATE).append(batchId);
        batch.forEach(message -> payload.append('\n').append(message.line()));
        try {
            notify(payload.toString());
        } catch (RuntimeException e) {
            awaitingAcks.remove(batchId);
            throw e;
        }
    }

    /** Waits for one message, then takes every other one already waiting, as many as fit one notification. */
    private List<Outgoing> nextBatch() throws InterruptedException {
        List<Outgoing> batch = new ArrayList<>();
        Outgoing first = outgoing.take();
        batch.add(first);
        int bytes = INVALIDATE.length() + nodeId.length() + 24 + utf8Length(first.line());
        for (Outgoing next = outgoing.peek(); next != null; next = outgoing.peek()) {
            bytes += 1 + utf8Length(next.line());
            if (bytes > MAX_PAYLOAD_BYTES) {
                break;
            }
            batch.add(outgoing.poll());
        }
        return batch;
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * True when the last count of the other listening nodes found none and is at most {@link
     * #LISTENER_COUNT_TTL_NANOS} old; a stale count sends the message to the sender thread, which counts again.
     */
    private boolean aloneByFreshCount() {
        long countedAt = listenersCountedAt; // read first: the count written before it is at least as new
        return System.nanoTime() - countedAt <= LISTENER_COUNT_TTL_NANOS && otherListeners == 0;
    }

    /** Counted at most once a second: a revocation should cost a notification, not a catalogue query too. */
    private int otherListeningNodes() {
        long now = System.nanoTime();
        if (now - listenersCountedAt > LISTENER_COUNT_TTL_NANOS) {
            otherListeners = sending.listeners(channel, ownListenerPid);
            listenersCountedAt = now;
        }
        return otherListeners;
    }

    private void notify(String payload) {
        sending.notify(channel, payload);
    }

    @Override
    public void subscribe(Consumer<Invalidation> listener) {
        subscribers.add(listener);
    }

    @Override
    public boolean mayCache() {
        return caching;
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
            try (Connection connection = ChannelConnection.open(config, "latchkey-listener")) {
                try (var statement = connection.createStatement()) {
                    try (var pid = statement.executeQuery("SELECT pg_backend_pid()")) {
                        pid.next();
                        ownListenerPid = pid.getInt(1);
                    }
                    // last, so that pg_stat_activity shows this connection's query as the LISTEN
                    statement.execute("LISTEN " + channel);
                }
                long listeningSince = System.nanoTime();
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
                    if (!caching && System.nanoTime() - listeningSince > HOLD_OFF_NANOS) {
                        // a lookup that began while caching was off must not cache what it read: move the epochs on
                        deliver(Invalidation.EVERYTHING);
                        caching = true;
                    }
                }
            } catch (SQLException e) {
                caching = false;
                deliver(Invalidation.EVERYTHING);
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
        String[] lines = payload.substring(payload.startsWith(INVALIDATE) ? INVALIDATE.length() : 0).split("\n");
        if (!payload.startsWith(INVALIDATE) || lines.length < 2) {
            deliver(Invalidation.EVERYTHING); // not a batch we understand: forgetting everything is always safe
            return;
        }
        String batchId = lines[0];
        if (batchId.startsWith(nodeId + ":")) {
            return; // our own: delivered here when it was published
        }
        for (int i = 1; i < lines.length; i++) {
            deliver(Invalidation.decode(lines[i]));
        }
        // acknowledged from another thread: the listener goes straight back to delivering the next notification
        acks.execute(() -> {
            for (int attempt = 1; ; attempt++) {
                try {
                    notify(ACK + batchId);
                    return;
                } catch (RuntimeException e) {
                    // as for a batch: once more, on a new connection
                    if (attempt >= SEND_ATTEMPTS || !running) {
                        if (running) {
                            log.warn("could not acknowledge an invalidation", e);
                        }
                        return;
                    }
                }
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
        sending.close(); // first: a notification in flight fails now instead of holding up the sender's join
        listenerThread.interrupt();
        senderThread.interrupt();
        try {
            listenerThread.join(2_000);
            senderThread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        subscribers.clear();
        acks.shutdownNow();
        outgoing.forEach(message -> message.done().complete(null));
    }
}
