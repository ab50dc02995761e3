package dev.latchkey.db;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/** A migration whose statements differ between the two engines. */
abstract class PerEngine extends BaseJavaMigration {
    /** The statements to run, in order, on PostgreSQL or on H2. */
    abstract List<String> statements(boolean postgres);

    @Override
    public final void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        boolean postgres = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT)
                .contains("postgres");
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements(postgres)) {
                statement.execute(sql);
            }
        }
    }
}
