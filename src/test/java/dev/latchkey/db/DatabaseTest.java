package dev.latchkey.db;

import com.zaxxer.hikari.HikariDataSource;
import dev.latchkey.testing.TestDatabases;
import dev.latchkey.testing.TestServer;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class DatabaseTest {
    @Test
    void statementWhenFailingThenMessageNamesSqlButNotBoundValues() {
        Database db = TestServer.shared().app.database();
        Throwable failure = catchThrowable(() -> db.run(h -> h.createUpdate(
                        "INSERT INTO mail_outbox (tenant_id, id, secret) VALUES ('none', 'x', :secret)")
                .bind("secret", "et_do-not-log-me").execute()));
        assertThat(failure).isNotNull();
        assertThat(failure.getMessage()).contains("INSERT INTO mail_outbox").doesNotContain("et_do-not-log-me");
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            assertThat(String.valueOf(cause.getMessage())).doesNotContain("et_do-not-log-me");
        }
    }

    @Test
    void txWhenAnAfterCommitActionFailsThenTheLaterOnesStillRunAndTheFailureReachesTheCaller() {
        Database db = TestServer.shared().app.database();
        List<String> ran = new ArrayList<>();
        Throwable failure = catchThrowable(() -> db.tx(h -> {
            Database.afterCommit(h, () -> ran.add("first"));
            Database.afterCommit(h, () -> {
                throw new IllegalStateException("second failed");
            });
            Database.afterCommit(h, () -> ran.add("third"));
            Database.afterCommit(h, () -> {
                throw new IllegalArgumentException("fourth failed");
            });
            return null;
        }));
        assertThat(ran).containsExactly("first", "third");
        assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessage("second failed");
        assertThat(failure.getSuppressed()).singleElement().isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Of the keys a transaction registers, each runs once after its commit, with the first action that named it; a
     * transaction that rolled back registers nothing, and the next one starts afresh.
     */
    @Test
    void txWhenKeysAreRegisteredTwiceThenEachRunsOnceAfterTheCommit() {
        Database db = TestServer.shared().app.database();
        List<List<String>> ran = new ArrayList<>();
        catchThrowable(() -> db.tx(h -> {
            Database.afterCommitEach(h, List.of("a"), ran::add);
            throw new IllegalStateException("rolled back");
        }));
        db.tx(h -> {
            Database.afterCommitEach(h, List.of("a", "b"), ran::add);
            Database.afterCommitEach(h, List.of("b"), ran::add);
            Database.afterCommitEach(h, List.of("b", "c", "a"), ran::add);
            assertThat(ran).as("nothing before the commit").isEmpty();
            return null;
        });
        db.tx(h -> {
            Database.afterCommitEach(h, List.of("a"), ran::add);
            return null;
        });
        assertThat(ran).containsExactly(List.of("a", "b"), List.of("c"), List.of("a"));
    }

    @Test
    void openingWhenAnAppliedMigrationWasChangedThenOpeningReturnsAndAwaitOpenAndTheFirstStatementFailValidation()
            throws Exception {
        var fresh = TestDatabases.create();
        var config = TestServer.config(fresh, Map.of());
        Database.open(config).close();
        try (Connection connection = fresh.connect()) {
            connection.createStatement().executeUpdate(
                    "UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'");
        }

        // the opening runs on a thread of its own: what stops it comes from the first wait for it
        Database db = Database.opening(config);
        Throwable failure = catchThrowable(db::awaitOpen);
        assertThat(failure).isInstanceOf(FlywayValidateException.class).hasMessageContaining("checksum mismatch");
        assertThat(catchThrowable(() -> db.read(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one())))
                .isSameAs(failure);
        db.close();
    }

    @Test
    void openWhenPoolSizeConfiguredThenPoolHoldsThatManyConnectionsAtMost() {
        var config = TestServer.config(TestDatabases.create(), Map.of("LATCHKEY_DATABASE_POOL_SIZE", "3"));
        try (Database db = Database.open(config)) {
            assertThat(((HikariDataSource) db.dataSource()).getMaximumPoolSize()).isEqualTo(3);
        }
    }
}
