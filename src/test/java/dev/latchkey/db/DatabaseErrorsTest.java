package dev.latchkey.db;

import org.jdbi.v3.core.ConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failures mean "the database cannot be reached" (503) rather than a fault of ours (500). */
class DatabaseErrorsTest {
    @ParameterizedTest
    @CsvSource({
            "08001, true",  // cannot connect
            "08006, true",  // connection lost mid-statement
            "57P01, true",  // the server is shutting down
            "57P03, true",  // the server is starting up
            "08P01, false", // a protocol violation: our fault, not an outage
            "23505, false", // a unique violation
            "57014, false", // a statement cancelled by its timeout
    })
    void unreachableWhenTheDriverReportsThisSqlStateThenAsGiven(String sqlState, boolean unreachable) {
        var fromTheDriver = new SQLException("the driver's message", sqlState);

        assertThat(DatabaseErrors.unreachable(new ConnectionException(fromTheDriver))).isEqualTo(unreachable);
    }

    @Test
    void unreachableWhenThePoolHadNoConnectionInTimeThenTrue() {
        var pool = new SQLTransientConnectionException("latchkey - Connection is not available");

        assertThat(DatabaseErrors.unreachable(new ConnectionException(pool))).isTrue();
        assertThat(DatabaseErrors.unreachable(new IllegalStateException("no database in it"))).isFalse();
    }

    @Test
    void chainWhenADriverFailureThenClassesAndSqlStatesWithoutItsMessage() {
        var fromTheDriver = new SQLException("connection to shopper@example.com refused", "08001");

        String chain = DatabaseErrors.chain(new ConnectionException(fromTheDriver));

        assertThat(chain).isEqualTo("org.jdbi.v3.core.ConnectionException <- java.sql.SQLException (SQLState 08001, "
                + "error code 0)");
    }

    @Test
    void commitUncertainWhenTheConnectionWasLostMidwayThenNoLongerUnreachable() {
        var lostMidway = new ConnectionException(new SQLException("I/O error", "08006"));
        var neverConnected = new ConnectionException(new SQLTransientConnectionException("no connection in time"));
        var refused = new ConnectionException(new SQLException("connection refused", "08001"));
        var notAConnectionFailure = new IllegalStateException("a bug");
        var withoutState = new ConnectionException(new SQLException("no SQLState at all"));

        assertThat(CommitUncertain.of(lostMidway)).isInstanceOf(CommitUncertain.class).hasCause(lostMidway);
        assertThat(DatabaseErrors.unreachable(CommitUncertain.of(lostMidway))).isFalse();
        assertThat(CommitUncertain.of(neverConnected)).isSameAs(neverConnected);
        assertThat(CommitUncertain.of(refused)).isSameAs(refused);
        assertThat(CommitUncertain.of(notAConnectionFailure)).isSameAs(notAConnectionFailure);
        assertThat(CommitUncertain.of(withoutState)).isSameAs(withoutState);
    }
}
