package dev.latchkey.db;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/** A migration of statements that H2 alone needs: PostgreSQL has the schema they make already. */
abstract class OnH2Only extends BaseJavaMigration {
    abstract List<String> statements();

    @Override
    public final void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        if (connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres")) {
            return;
        }
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements()) {
                statement.execute(sql);
            }
        }
    }
}
