package dev.latchkey.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Base64;
import java.util.Map;

/**
 * Two nodes on one fresh database and one clock, the second started with another server key (the one that encrypts
 * stored secrets and signs webhooks), for one test class:
 * {@code @RegisterExtension static final NodesWithTwoServerKeys nodes = new NodesWithTwoServerKeys();}.
 */
public final class NodesWithTwoServerKeys implements BeforeAllCallback, AfterAllCallback {
    private TestNode first;
    private TestNode other;

    @Override
    public void beforeAll(ExtensionContext context) {
        var database = TestDatabases.create();
        var clock = new TestClock();
        first = TestNode.start(database, clock, Map.of("LATCHKEY_WEBHOOK_KEY", key('a')));
        other = TestNode.start(database, clock, Map.of("LATCHKEY_WEBHOOK_KEY", key('b')));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        TestNode.closeAll(first, other);
    }

    private static String key(char fill) {
        return Base64.getUrlEncoder().encodeToString(String.valueOf(fill).repeat(32).getBytes());
    }

    /** The node started first, with its key. */
    public Api first() {
        return first.api;
    }

    /** The node with another key than the first's. */
    public Api other() {
        return other.api;
    }
}
