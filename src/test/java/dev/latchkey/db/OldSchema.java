package dev.latchkey.db;

import com.zaxxer.hikari.HikariDataSource;
import dev.latchkey.config.Config;
import dev.latchkey.testing.TestDatabases;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** A fresh test database migrated only up to an older version, to fill with rows of that time and then upgrade. */
final class OldSchema implements AutoCloseable {
    private final HikariDataSource dataSource = new HikariDataSource();
    final Jdbi jdbi;

    OldSchema(String version) {
        TestDatabases.Fresh fresh = TestDatabases.create();
        dataSource.setJdbcUrl(fresh.url());
        dataSource.setUsername(fresh.user());
        dataSource.setPassword(fresh.password());
        Database.migrations(dataSource, TestDatabases.postgres(), Config.Argon2.OWASP).target(version).load().migrate();
        jdbi = Jdbi.create(dataSource);
    }

    /** A tenant row, which most rows of the old schema need. */
    static void tenant(Handle h, String id) {
        h.createUpdate("INSERT INTO tenants (id, name, settings, created_at, updated_at) "
                + "VALUES (:id, 'Shop', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)").bind("id", id).execute();
    }

    void upgrade() {
        upgrade(Config.Argon2.OWASP);
    }

    /** With a node's Argon2 parameters other than the default ones. */
    void upgrade(Config.Argon2 argon2) {
        Database.migrations(dataSource, TestDatabases.postgres(), argon2).load().migrate();
    }

    /** What a start does after the migrations, with {@code argon2} configured. */
    void start(Config.Argon2 argon2) {
        StoredPasswordCosts.afterParameterChange(dataSource, argon2);
    }

    /** Up to {@code version} only, for a migration whose rows a later one moves elsewhere. */
    void upgradeTo(String version) {
        Database.migrations(dataSource, TestDatabases.postgres(), Config.Argon2.OWASP).target(version).load().migrate();
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
