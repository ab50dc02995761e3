package dev.latchkey.cluster;

import dev.latchkey.config.Config;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The connection on which a node sends its notifications and acknowledgements and counts the listening nodes: one of
 * its own, outside the pool. A revocation waits for the other nodes' acknowledgements while its transaction's pooled
 * connection is still held (its eviction runs as the commit completes). Were notifications sent on pooled connections,
 * a burst of revocations as large as the pool, on this node or another, would hold every connection that their own
 * notifications and acknowledgements need, and each would wait out its acknowledgement time. Callers take turns; a
 * connection that failed is dropped and the next call connects afresh.
 */
final class ChannelConnection implements AutoCloseable {
    private final Config config;
    private Connection connection;
    private boolean closed;

    ChannelConnection(Config config) {
        this.config = config;
    }

    /** One statement, so one transaction, whose commit does not wait for the disk (see PostgresInvalidations). */
    synchronized void notify(String channel, String payload) {
        run("SELECT set_config('synchronous_commit', 'off', true), pg_notify(?, ?)", statement -> {
            statement.setString(1, channel);
            statement.setString(2, payload);
            statement.executeQuery().close();
            return null;
        });
    }

    /** Connections of this database listening on {@code channel} (their last query is the LISTEN), but one. */
    synchronized int listeners(String channel, int exceptPid) {
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
        if (closed) {
            throw new IllegalStateException("the node is stopping");
        }
        try {
            if (connection == null) {
                connection = DriverManager.getConnection(config.databaseUrl(), config.databaseUser(),
                        config.databasePassword());
            }
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                return work.apply(statement);
            }
        } catch (SQLException e) {
            drop();
            throw new IllegalStateException("the notification connection failed", e);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        drop();
    }

    private void drop() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // closing a broken connection: nothing left to release
            }
            connection = null;
        }
    }
}
