package dev.latchkey.testing;

import dev.latchkey.Application;
import dev.latchkey.config.Config;

import java.util.HashMap;
import java.util.Map;

/**
 * The real server, started once per test JVM on a random port with a fresh database. Password hashing uses cheap
 * Argon2id parameters here so the suite stays fast; the production defaults are tested in PasswordHasherTest.
 */
public final class TestServer implements AutoCloseable {
    public static final String PLATFORM_TOKEN = "test-platform-token-0123456789abcdefghijklmnop";
    private static TestServer shared;

    public final TestClock clock = new TestClock();
    public final Application app;
    public final Api api;

    private TestServer(Map<String, String> extraEnv) {
        this.app = Application.build(config(TestDatabases.create(), extraEnv), clock).start(0);
        this.api = new Api("http://127.0.0.1:" + app.port(), OpenApiContract.shared());
    }

    public static synchronized TestServer shared() {
        if (shared == null) {
            shared = new TestServer(Map.of());
            Runtime.getRuntime().addShutdownHook(new Thread(shared.app::close));
        }
        return shared;
    }

    /** A server of its own, for tests that need other settings or stop it; the caller closes it. */
    public static TestServer dedicated(Map<String, String> extraEnv) {
        return new TestServer(extraEnv);
    }

    /** Stops a dedicated server; the shared one stops with the JVM. */
    @Override
    public void close() {
        app.close();
    }

    public static Config config(TestDatabases.Fresh db, Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>();
        env.put("LATCHKEY_PORT", "0");
        env.put("LATCHKEY_DATA_DIR", db.dataDir().toString());
        env.put("LATCHKEY_DATABASE_URL", db.url());
        env.put("LATCHKEY_DATABASE_USER", db.user());
        env.put("LATCHKEY_DATABASE_PASSWORD", db.password());
        env.put("LATCHKEY_PLATFORM_TOKEN", PLATFORM_TOKEN);
        env.put("LATCHKEY_ARGON2_MEMORY_KIB", "1024");
        env.put("LATCHKEY_ARGON2_ITERATIONS", "1");
        // every test's staff logs in from this one address, and a staff login's per-IP bucket serves all shops: the
        // suite is an office full of staff behind one NAT, which raises it as such an office would
        env.put("LATCHKEY_RATE_LIMIT_STAFF_LOGIN_PER_IP", "100000/15m");
        // the tests' webhook receivers listen on loopback, over plain http
        env.put("LATCHKEY_WEBHOOK_ALLOW_PRIVATE", "true");
        env.putAll(extraEnv);
        return Config.fromEnv(env);
    }
}
