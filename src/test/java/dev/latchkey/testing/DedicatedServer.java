package dev.latchkey.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Map;

/**
 * A server of its own for one test class, with extra environment (low rate limits, other proxies, a cost...), started
 * before the class and closed after it: {@code @RegisterExtension static final DedicatedServer own = new ...}.
 */
public final class DedicatedServer implements BeforeAllCallback, AfterAllCallback {
    private final Map<String, String> env;
    private TestServer server;

    public DedicatedServer(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = TestServer.dedicated(env);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.app.close();
        }
    }

    public TestServer server() {
        return server;
    }

    public Api api() {
        return server.api;
    }
}
