package dev.latchkey.db;

import dev.latchkey.testing.TestDatabases;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A transaction that commits without waiting for PostgreSQL's disk flush (forgot password, verification resend) skips
 * it alone: the connection goes back to the pool, and every later transaction on it must wait again.
 */
class CommitWithoutFlushWaitTest {
    @BeforeAll
    static void onlyOnPostgres() {
        Assumptions.assumeTrue(TestDatabases.postgres(), "H2 has no flush wait to skip");
    }

    @Test
    void commitWithoutFlushWaitThenOnlyThatTransactionSkipsTheWait() {
        Database db = TestServer.shared().app.database();
        String inside = db.tx(h -> {
            db.commitWithoutFlushWait(h);
            return h.createQuery("SHOW synchronous_commit").mapTo(String.class).one();
        });
        assertThat(inside).isEqualTo("off");
        // the pool hands the connection on: every later transaction must wait for its flush again
        for (int i = 0; i < 20; i++) {
            String after = db.tx(h -> h.createQuery("SHOW synchronous_commit").mapTo(String.class).one());
            assertThat(after).isEqualTo("on");
        }
    }
}
