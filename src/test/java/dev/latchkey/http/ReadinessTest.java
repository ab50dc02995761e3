package dev.latchkey.http;

import com.zaxxer.hikari.HikariDataSource;
import dev.latchkey.testing.DedicatedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Readiness when the database does not give the service a connection: on a server of its own, whose every pooled
 * connection the test holds, as a database that stopped answering would.
 */
class ReadinessTest {
    @RegisterExtension
    static final DedicatedServer OWN = new DedicatedServer(Map.of());

    @Test
    void readyWhenNoConnectionCanBeHadThenNotReadyWithinSecondsAndReadyAgainAfter() throws Exception {
        var pool = (HikariDataSource) OWN.server().app.database().dataSource();
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < pool.getMaximumPoolSize(); i++) {
                held.add(pool.getConnection());
            }

            long started = System.nanoTime();
            OWN.api().get("/health/ready").send().expect(503, "not_ready");
            long millis = (System.nanoTime() - started) / 1_000_000;

            // a probe that waits for the pool's 30 s connection timeout is itself timed out by any orchestrator
            assertThat(millis).as("time to answer not ready").isLessThan(5_000);
            OWN.api().get("/health/live").send().expect(200);
        } finally {
            for (Connection connection : held) {
                connection.close();
            }
        }
        OWN.api().get("/health/ready").send().expect(200);
    }
}
