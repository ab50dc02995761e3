package dev.latchkey.cluster;

import dev.latchkey.config.Config;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The connection on which a node sends its notifications and acknowledgements and counts the listening nodes: one of
 * its own, outside the pool. On pooled connections they would queue behind the requests of a busy node, and every
 * revocation on the other nodes waits for them (up to a second).
 *
 * <p>Callers take turns (a lock rather than {@code synchronized}, which would pin a waiting virtual thread to its
 * carrier on JDK 21). A connection that failed is dropped and the next call connects afresh; one idle for a while is
 * checked before use, so that a backend ended meanwhile (a failover, an idle timeout) costs a reconnect rather than a
 * lost message.
 */
final class ChannelConnection implements AutoCloseable {
    private static final long CHECK_AFTER_IDLE_NANOS = 1_000_000_000L;
    /** Bounds a statement on a database that stopped answering; the publishers have long stopped waiting by then. */
    private static final int NETWORK_TIMEOUT_MILLIS = 10_000;

    private final Config config;
    private final ReentrantLock turn = new ReentrantLock();
    private volatile Connection connection;
    private volatile boolean closed;
    private long lastUsedNanos;

    ChannelConnection(Config config) {
        this.config = config;
    }

    /**
     * A connection of the node's own with the pool's safeguard: the driver's messages never quote a row. Also for the
     * listening connection. Named, so that an operator can tell it in {@code pg_stat_activity}.
     */
    static Connection open(Config config, String applicationName) throws SQLException {
        var properties = new Properties();
        properties.setProperty("ApplicationName", applicationName);
        properties.setProperty("user", config.databaseUser());
        properties.setProperty("password", config.databasePassword());
        properties.setProperty("logServerErrorDetail", "false");
        return DriverManager.getConnection(config.databaseUrl(), properties);
    }

    /** One statement, so one transaction, whose commit does not wait for the disk (see PostgresInvalidations). */
    void notify(String channel, String payload) {
        run("SELECT set_config('synchronous_commit', 'off', true), pg_notify(?, ?)", statement -> {
            statement.setString(1, channel);
            statement.setString(2, payload);
            statement.executeQuery().close();
            return null;
        });
    }

    /** Connections of this database listening on {@code channel} (their last query is the LISTEN), but one. */
    int listeners(String channel, int exceptPid) {
        return run("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query = ? "
                + "AND pid <> ?", statement -> {
            statement.setString(1, "LISTEN " + channel);
            statement.setInt(2, exceptPid);
            try (ResultSet count = statement.executeQuery()) {
                count.next();
                return count.getInt(1);
            }
        });
    }

    private interface Work<T> {
        T apply(PreparedStatement statement) throws SQLException;
    }

    private <T> T run(String sql, Work<T> work) {
        turn.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the node is stopping");
            }
            try (PreparedStatement statement = usable().prepareStatement(sql)) {
                T result = work.apply(statement);
                lastUsedNanos = System.nanoTime();
                return result;
            } catch (SQLException e) {
                drop();
                throw new IllegalStateException("the notification connection failed", e);
            }
        } finally {
            turn.unlock();
        }
    }

    private Connection usable() throws SQLException {
        if (connection != null && System.nanoTime() - lastUsedNanos > CHECK_AFTER_IDLE_NANOS
                && !connection.isValid(1)) {
            drop();
        }
        if (connection == null) {
            Connection opened = open(config, "latchkey-notifier");
            opened.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MILLIS);
            connection = opened;
        }
        return connection;
    }

    private void drop() {
        Connection dropped = connection;
        connection = null;
        if (dropped != null) {
            try {
                dropped.close();
            } catch (SQLException e) {
                // a broken connection: nothing left to release
            }
        }
    }

    /**
     * Stops at once, without waiting for a statement in flight: that one fails, as any later call does. Aborting,
     * unlike closing, may be done from another thread while the connection is in use.
     */
    @Override
    public void close() {
        closed = true;
        Connection open = connection;
        if (open != null) {
            try {
                open.abort(Runnable::run);
            } catch (SQLException e) {
                // already closed
            }
        }
    }
}
