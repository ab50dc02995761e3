package dev.latchkey.testing;

import dev.latchkey.Application;

import java.time.Clock;
import java.util.Map;

/**
 * One more server on a database that the test chooses: to stop and start again on the same data (restart), or to run
 * two nodes side by side on one database. The caller closes it.
 */
public final class TestNode implements AutoCloseable {
    public final Application app;
    public final Api api;

    private TestNode(Application app) {
        this.app = app;
        this.api = new Api("http://127.0.0.1:" + app.port(), OpenApiContract.shared());
    }

    public static TestNode start(TestDatabases.Fresh db, Clock clock) {
        return start(db, clock, Map.of());
    }

    public static TestNode start(TestDatabases.Fresh db, Clock clock, Map<String, String> extraEnv) {
        return new TestNode(Application.build(TestServer.config(db, extraEnv), clock).start(0));
    }

    @Override
    public void close() {
        app.close();
    }

    /** Stops the nodes a test class started, skipping those it never started (its assumptions failed first). */
    public static void closeAll(TestNode... nodes) {
        for (TestNode node : nodes) {
            if (node != null) {
                node.close();
            }
        }
    }
}
