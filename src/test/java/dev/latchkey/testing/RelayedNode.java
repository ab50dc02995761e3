package dev.latchkey.testing;

import org.junit.jupiter.api.Assumptions;

import java.time.Clock;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server that reaches the test's PostgreSQL through a {@link TcpRelay}, so that a test can take the database away
 * from it and give it back. PostgreSQL on this machine only: an embedded database cannot become unreachable.
 */
public final class RelayedNode implements AutoCloseable {
    private static final Pattern HOST_AND_PORT =
            Pattern.compile("^jdbc:postgresql://(127\\.0\\.0\\.1|localhost)(?::(\\d+))?/");

    public final TcpRelay relay;
    public final TestNode node;

    private RelayedNode(TcpRelay relay, TestNode node) {
        this.relay = relay;
        this.node = node;
    }

    /** Skips the calling test class on the embedded database, or when PostgreSQL is on another host. */
    public static RelayedNode start(Clock clock, Map<String, String> extraEnv) {
        Assumptions.assumeTrue(TestDatabases.postgres(), "an embedded database cannot become unreachable");
        TestDatabases.Fresh db = TestDatabases.create();
        Matcher local = HOST_AND_PORT.matcher(db.url());
        Assumptions.assumeTrue(local.find(), "the relay reaches a PostgreSQL on this machine only");
        TcpRelay relay = TcpRelay.to(local.group(2) == null ? 5432 : Integer.parseInt(local.group(2)));
        var relayed = new TestDatabases.Fresh(local.replaceFirst("jdbc:postgresql://127.0.0.1:" + relay.port() + "/"),
                db.user(), db.password(), db.dataDir());
        try {
            return new RelayedNode(relay, TestNode.start(relayed, clock, extraEnv));
        } catch (RuntimeException e) {
            relay.close();
            throw e;
        }
    }

    @Override
    public void close() {
        node.close();
        relay.close();
    }
}
