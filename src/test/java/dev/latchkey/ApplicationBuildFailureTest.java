package dev.latchkey;

import dev.latchkey.config.Config;
import dev.latchkey.config.PlatformToken;
import dev.latchkey.db.Database;
import dev.latchkey.testing.TestClock;
import dev.latchkey.testing.TestDatabases;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The database opens and migrates while the rest of the server is built: a failure in building must not leave a
 * migration running for the process to cut off when it exits on that failure, nor a failed start threads and pools.
 */
class ApplicationBuildFailureTest {
    @Test
    void buildWhenSomethingAfterTheDatabaseFailsThenTheMigrationHasRunToItsEndBeforeTheFailureIsPassedOn()
            throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Path data = Files.createTempDirectory("latchkey-build");
        // a kept platform token too short to keep: building stops right after the database began to open
        Path token = Files.writeString(data.resolve(PlatformToken.FILE_NAME), "short\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        Config config = Config.fromEnv(Map.of("LATCHKEY_DATA_DIR", data.toString(), "LATCHKEY_PORT", "0"));

        assertThatThrownBy(() -> Application.build(config, new TestClock())).hasMessageContaining(token.toString());
        int appliedAtFailure = applied(config);

        // a new database on the same folder finds nothing left to apply: the first one's migration had ended
        Database.open(config).close();
        assertThat(appliedAtFailure).isEqualTo(applied(config)).isPositive();
    }

    @Test
    void startWhenThePortIsTakenThenWhatWasBuiltIsClosedBeforeTheFailureIsPassedOn() throws Exception {
        Config config = TestServer.config(TestDatabases.create(), Map.of());
        try (var taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Set<Thread> before = Thread.getAllStackTraces().keySet();

            Application built = Application.build(config, new TestClock());
            assertThatThrownBy(() -> built.start(taken.getLocalPort())).isInstanceOf(RuntimeException.class);

            assertThat(startedSince(before)).isEmpty();
        }
    }

    /**
     * The threads started since {@code before} that are still running, each given until 6 s from now to end: Javalin
     * starts one of its own that ends after 5 s.
     */
    private static List<String> startedSince(Set<Thread> before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
        Set<Thread> started = new HashSet<>(Thread.getAllStackTraces().keySet());
        started.removeAll(before);
        for (Thread thread : started) {
            thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        }
        return started.stream().filter(Thread::isAlive).map(Thread::getName).toList();
    }

    private static int applied(Config config) throws Exception {
        try (var connection = DriverManager.getConnection(config.databaseUrl(), config.databaseUser(),
                config.databasePassword());
             var result = connection.createStatement()
                     .executeQuery("SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"success\"")) {
            result.next();
            return result.getInt(1);
        }
    }
}
