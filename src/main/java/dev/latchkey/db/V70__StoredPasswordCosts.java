package dev.latchkey.db;

import dev.latchkey.config.Config;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The cost of each customer's password hash when it is not one Latchkey made with its current parameters (an
 * imported bcrypt or Argon2 hash): {@code bcrypt:12}, {@code argon2:m=65536,t=4,p=4}; null for Latchkey's own hashes
 * and for no hash. The shops' costs, one row per cost (a handful at most): a refused login of the shop answers no
 * sooner than a verification of the costliest of them takes; a row is written in the transaction of the first hash of
 * its cost, and deleted only once no customer of the shop has one any more. And the Argon2 parameters the stored costs
 * were computed for, so that a start with other parameters can give the hashes they leave uncovered their costs.
 *
 * <p>Which hashes are Latchkey's own depends on the configured parameters, so the stored hashes are read and their
 * costs computed here as the code computes them ({@link StoredPasswordCosts}). The index that answers "does a
 * customer of the shop still have a hash of this cost" is built after the costs are written, which on PostgreSQL
 * would otherwise each update every index of the row.
 */
final class V70__StoredPasswordCosts extends BaseJavaMigration {
    private final Config.Argon2 params;

    V70__StoredPasswordCosts(Config.Argon2 params) {
        this.params = params;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        try (Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE customers ADD COLUMN password_cost VARCHAR(64)");
            statement.execute("CREATE TABLE tenant_password_costs ("
                    + "tenant_id VARCHAR(64) NOT NULL REFERENCES tenants (id), "
                    + "cost VARCHAR(64) NOT NULL, "
                    + "PRIMARY KEY (tenant_id, cost))");
            statement.execute("CREATE TABLE password_hash_parameters ("
                    + "id INTEGER NOT NULL PRIMARY KEY, "
                    + "memory_kib INTEGER NOT NULL, "
                    + "iterations INTEGER NOT NULL, "
                    + "parallelism INTEGER NOT NULL)");
            StoredPasswordCosts.fillAll(connection, params);
            statement.execute("CREATE INDEX customers_password_cost ON customers (tenant_id, password_cost)");
        }
    }
}
