package dev.latchkey.db;

import com.zaxxer.hikari.HikariDataSource;
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
        Database.migrations(dataSource, TestDatabases.postgres()).target(version).load().migrate();
        jdbi = Jdbi.create(dataSource);
    }

    /** A tenant row, which most rows of the old schema need. */
    static void tenant(Handle h, String id) {
        h.createUpdate("INSERT INTO tenants (id, name, settings, created_at, updated_at) "
                + "VALUES (:id, 'Shop', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)").bind("id", id).execute();
    }

    void upgrade() {
        Database.migrations(dataSource, TestDatabases.postgres()).load().migrate();
    }

    /** Up to {@code version} only, for a migration whose rows a later one moves elsewhere. */
    void upgradeTo(String version) {
        Database.migrations(dataSource, TestDatabases.postgres()).target(version).load().migrate();
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
