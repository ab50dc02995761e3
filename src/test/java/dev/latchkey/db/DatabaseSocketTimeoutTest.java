package dev.latchkey.db;

import dev.latchkey.testing.TestDatabases;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A pooled connection waits a bounded time for PostgreSQL's answer, and the pool goes on serving after one that
 * waited too long. A statement that sleeps stands for a server that stopped answering: the driver cannot tell them
 * apart, as both leave its socket silent.
 */
class DatabaseSocketTimeoutTest {
    @BeforeAll
    static void onlyOnPostgres() {
        Assumptions.assumeTrue(TestDatabases.postgres(), "the socket timeout is the PostgreSQL driver's");
    }

    @Test
    void statementWhenTheDatabaseIsSilentPastTheTimeoutThenItFailsAndThePoolServesOn() {
        var config = TestServer.config(TestDatabases.create(),
                Map.of("LATCHKEY_DATABASE_SOCKET_TIMEOUT", "1", "LATCHKEY_DATABASE_POOL_SIZE", "2"));
        try (Database db = Database.open(config)) {
            long started = System.nanoTime();
            Throwable failure = catchThrowable(() -> db.read(h -> h.createQuery("SELECT pg_sleep(10)::text")
                    .mapTo(String.class).one()));
            Duration waited = Duration.ofNanos(System.nanoTime() - started);

            assertThat(failure).isNotNull();
            assertThat(waited).isLessThan(Duration.ofSeconds(5));
            for (int i = 0; i < 3; i++) {
                int one = db.read(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
                assertThat(one).isEqualTo(1);
            }
        }
    }
}
