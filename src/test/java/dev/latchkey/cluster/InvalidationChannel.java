package dev.latchkey.cluster;

import dev.latchkey.testing.TestDatabases;

import java.sql.SQLException;

/** The channel the nodes of a test's database notify on, for a test that listens or ends listeners itself. */
final class InvalidationChannel {
    private InvalidationChannel() {
    }

    static String of(TestDatabases.Fresh database) throws SQLException {
        try (var connection = database.connect(); var statement = connection.createStatement();
             var schema = statement.executeQuery("SELECT current_schema()")) {
            schema.next();
            return PostgresInvalidations.channelFor(schema.getString(1));
        }
    }
}
