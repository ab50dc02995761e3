package dev.latchkey.testing;

import org.junit.jupiter.api.Assumptions;
import org.opentest4j.TestAbortedException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;

/**
 * Fresh, isolated databases for one test run: an H2 file in a temporary folder, or a new schema on the PostgreSQL
 * named by {@code LATCHKEY_TEST_DATABASE_URL}, dropped when the JVM exits. Runs never see each other's data.
 */
public final class TestDatabases {
    public static final String ENGINE = System.getProperty("latchkey.test.database", "h2");
    private static boolean noticePrinted;

    private TestDatabases() {
    }

    public record Fresh(String url, String user, String password, Path dataDir) {
        /** A connection of the test's own to this database, outside any server's pool. */
        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }
    }

    public static boolean postgres() {
        return ENGINE.equals("postgresql");
    }

    public static Fresh create() {
        // outside the try: the abort that skips the PostgreSQL run must not be wrapped into an error
        String base = postgres() ? postgresUrl() : null;
        try {
            Path dataDir = Files.createTempDirectory("latchkey-test-");
            if (!postgres()) {
                return new Fresh("jdbc:h2:file:" + dataDir.resolve("db")
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH", "sa", "", dataDir);
            }
            String schema = "lk_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
            try (var connection = DriverManager.getConnection(base);
                 var statement = connection.createStatement()) {
                statement.execute("CREATE SCHEMA " + schema);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> dropSchema(base, schema)));
            String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
            return new Fresh(url, "", "", dataDir);
        } catch (TestAbortedException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot create a test database", e);
        }
    }

    private static String postgresUrl() {
        String url = System.getProperty("latchkey.test.postgres.url", "");
        if (url.isBlank() || url.startsWith("${")) {
            url = System.getenv().getOrDefault("LATCHKEY_TEST_DATABASE_URL", "");
        }
        if (url.isBlank()) {
            synchronized (TestDatabases.class) {
                if (!noticePrinted) {
                    noticePrinted = true;
                    System.err.println("NOTICE: the PostgreSQL test run was skipped: set LATCHKEY_TEST_DATABASE_URL "
                            + "(e.g. jdbc:postgresql://127.0.0.1:5432/test?user=postgres) to run it.");
                }
            }
            Assumptions.abort("PostgreSQL run skipped: LATCHKEY_TEST_DATABASE_URL is not set");
        }
        return url;
    }

    private static void dropSchema(String base, String schema) {
        try (var connection = DriverManager.getConnection(base);
             var statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA " + schema + " CASCADE");
        } catch (Exception ignored) {
            // the run is over; a leftover schema only costs space
        }
    }
}
