package dev.latchkey.db;

import dev.latchkey.config.Config;
import dev.latchkey.credential.HashCost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Gives stored password hashes the cost ({@link HashCost#ofStored}) that the code writes beside a new one, for the
 * Argon2 parameters Latchkey runs with, and makes those costs their shops' costs. {@code V70} fills every customer
 * this way; a start that finds the parameters changed since the last one fills the customers whose hash has no cost
 * yet and now names one the new parameters do not cover (after a lowered cost, the hashes of the former cost). Reads
 * the customers a batch at a time along their key, so that no more than a batch is held in memory, and logs its
 * progress.
 */
final class StoredPasswordCosts {
    private static final Logger log = LoggerFactory.getLogger(StoredPasswordCosts.class);
    static final int BATCH = 1000;
    private static final int LOG_EVERY = 100_000;

    private final Connection connection;
    private final Config.Argon2 params;
    private final boolean postgres;

    private StoredPasswordCosts(Connection connection, Config.Argon2 params) throws SQLException {
        this.connection = connection;
        this.params = params;
        this.postgres = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT)
                .contains("postgres");
    }

    /** Within the migration's transaction: every customer's hash gets its cost; records {@code params}. */
    static void fillAll(Connection connection, Config.Argon2 params) throws SQLException {
        new StoredPasswordCosts(connection, params).fill(false);
        record(connection, params);
    }

    /**
     * At start-up, on the migrated schema: when {@code params} differ from those the last start recorded, fills the
     * costs {@code params} leave uncovered, a transaction per batch, and then records {@code params}. Interrupted, it
     * runs again at the next start; what it already filled is then skipped.
     */
    static void afterParameterChange(DataSource dataSource, Config.Argon2 params) {
        try (Connection connection = dataSource.getConnection()) {
            Optional<Config.Argon2> recorded = recorded(connection);
            if (recorded.isPresent() && recorded.get().equals(params)) {
                return;
            }
            log.info("Argon2 parameters changed from {} to {}: giving the stored hashes they leave uncovered their "
                    + "costs", recorded.map(Object::toString).orElse("unknown"), params);
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                new StoredPasswordCosts(connection, params).fill(true);
                record(connection, params);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not give the stored password hashes their costs", e);
        }
    }

    private record Row(String tenantId, String id, String hash, String cost) {
    }

    /**
     * Gives the hashes without a cost theirs. {@code afterChange}: commits after each batch, and leaves alone the
     * costs that {@link #params} cover.
     */
    private void fill(boolean afterChange) throws SQLException {
        String tenantId = "";
        String id = "";
        long read = 0;
        long given = 0;
        while (true) {
            List<Row> batch = new ArrayList<>();
            int seen = 0;
            // a row value's comparison, which both engines answer from the key's index where the next batch begins
            try (PreparedStatement select = connection.prepareStatement("SELECT tenant_id, id, password_hash "
                    + "FROM customers WHERE (tenant_id, id) > (?, ?) AND password_hash IS NOT NULL "
                    + "AND password_cost IS NULL ORDER BY tenant_id, id FETCH FIRST " + BATCH + " ROWS ONLY")) {
                select.setString(1, tenantId);
                select.setString(2, id);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        seen++;
                        tenantId = rs.getString(1);
                        id = rs.getString(2);
                        String hash = rs.getString(3);
                        Optional<String> cost = HashCost.ofStored(hash, params);
                        if (cost.isPresent() && !(afterChange && HashCost.coveredBy(cost.get(), params))) {
                            batch.add(new Row(tenantId, id, hash, cost.get()));
                        }
                    }
                }
            }
            if (seen == 0) {
                break;
            }
            write(batch);
            if (afterChange) {
                connection.commit();
            }
            if ((read + seen) / LOG_EVERY > read / LOG_EVERY) {
                log.info("Password costs: {} customers read, {} hashes given a cost so far", read + seen,
                        given + batch.size());
            }
            read += seen;
            given += batch.size();
        }
        log.info("Password costs: {} customers read, {} hashes given a cost", read, given);
    }

    /**
     * The batch's costs become their shops' first, each row held against a concurrent forgetting (as
     * {@code PasswordCosts} holds it), then the customers get theirs: a hash replaced meanwhile keeps its new cost.
     */
    private void write(List<Row> batch) throws SQLException {
        Set<List<String>> shopCosts = new LinkedHashSet<>();
        batch.forEach(row -> shopCosts.add(List.of(row.tenantId(), row.cost())));
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO tenant_password_costs "
                + "(tenant_id, cost) VALUES (?, ?) ON CONFLICT DO NOTHING");
             PreparedStatement hold = connection.prepareStatement("SELECT cost FROM tenant_password_costs "
                     + "WHERE tenant_id = ? AND cost = ? " + (postgres ? "FOR SHARE" : "FOR UPDATE"))) {
            for (List<String> shopCost : shopCosts) {
                insert.setString(1, shopCost.get(0));
                insert.setString(2, shopCost.get(1));
                if (insert.executeUpdate() == 0) {
                    hold.setString(1, shopCost.get(0));
                    hold.setString(2, shopCost.get(1));
                    hold.executeQuery().close();
                }
            }
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE customers SET password_cost = ? "
                + "WHERE tenant_id = ? AND id = ? AND password_hash = ? AND password_cost IS NULL")) {
            for (Row row : batch) {
                update.setString(1, row.cost());
                update.setString(2, row.tenantId());
                update.setString(3, row.id());
                update.setString(4, row.hash());
                update.addBatch();
            }
            if (!batch.isEmpty()) {
                update.executeBatch();
            }
        }
    }

    private static Optional<Config.Argon2> recorded(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT memory_kib, iterations, parallelism FROM password_hash_parameters WHERE id = 1");
             ResultSet rs = select.executeQuery()) {
            return rs.next() ? Optional.of(new Config.Argon2(rs.getInt(1), rs.getInt(2), rs.getInt(3)))
                    : Optional.empty();
        }
    }

    /** A node starting at the same moment may record the same; the row is one either way. */
    private static void record(Connection connection, Config.Argon2 params) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE password_hash_parameters "
                + "SET memory_kib = ?, iterations = ?, parallelism = ? WHERE id = 1");
             PreparedStatement insert = connection.prepareStatement("INSERT INTO password_hash_parameters "
                     + "(id, memory_kib, iterations, parallelism) VALUES (1, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (PreparedStatement statement : List.of(update, insert)) {
                statement.setInt(1, params.memoryKib());
                statement.setInt(2, params.iterations());
                statement.setInt(3, params.parallelism());
            }
            if (update.executeUpdate() == 0) {
                insert.executeUpdate();
            }
        }
    }
}
