package dev.latchkey.auth;

import dev.latchkey.config.Config;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.DedicatedServer;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestServer;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unknown email, wrong password and a locked account must not be told apart by answer time. Runs with the production
 * Argon2id cost (the hash dominates a login, as it does in production), samples the three cases interleaved so that
 * load from elsewhere on the machine hits all of them alike, and compares medians with a wide tolerance: a leak (a
 * skipped hash) makes one case several times faster, ordinary noise does not.
 */
class LoginTimingTest {
    private static final int WARM_UP = 3;
    private static final int SAMPLES = 15;
    /** Wide on purpose: a skipped hash makes one case tens of times faster; machine load moves medians far less. */
    static final double TOLERANCE = 2.5;

    @RegisterExtension
    static final DedicatedServer OWN = new DedicatedServer(Map.of(
            "LATCHKEY_ARGON2_MEMORY_KIB", Integer.toString(Config.Argon2.OWASP.memoryKib()),
            "LATCHKEY_ARGON2_ITERATIONS", Integer.toString(Config.Argon2.OWASP.iterations()),
            "LATCHKEY_RATE_LIMIT_LOGIN_PER_IP", "off",
            "LATCHKEY_RATE_LIMIT_LOGIN_PER_ACCOUNT", "off"));
    private final TestServer server = OWN.server();
    private final Api api = OWN.api();

    private Supplier<Api.Res> attempt(Fixtures.Tenant tenant, Supplier<String> email, String password) {
        return () -> api.post("/v1/auth/login").key(tenant.pk())
                .body(Map.of("email", email.get(), "password", password)).send().expect(401, "invalid_credentials");
    }

    @Test
    void loginWhenUnknownEmailWrongPasswordOrLockedThenAnswersTakeAboutTheSameTime() {
        var open = Fixtures.tenant(api, Map.of("lockout_threshold", 100));
        var strict = Fixtures.tenant(api, Map.of("lockout_threshold", 1, "lockout_duration", 86_400));
        var shopper = Fixtures.shopper(api, open);
        var locked = Fixtures.shopper(api, strict);
        attempt(strict, locked::email, "a wrong password").get();

        List<Supplier<Api.Res>> cases = List.of(
                attempt(open, Fixtures::uniqueEmail, shopper.password()),
                attempt(open, shopper::email, "a wrong password"),
                attempt(strict, locked::email, locked.password()));
        assertAboutTheSameTime(cases, "unknown email, wrong password, locked account");
    }

    /**
     * An account whose hash was imported from another shop costs what that hash costs, here bcrypt's lowest (about a
     * millisecond): a wrong password for it must not answer sooner than an unknown address does.
     */
    @Test
    void loginWhenImportedHashCheaperThenAWrongPasswordTakesAsLongAsAnUnknownEmail() {
        var tenant = Fixtures.tenant(api, Map.of("lockout_threshold", 100));
        String cheap = imported(tenant, 4);

        assertAboutTheSameTime(List.of(
                attempt(tenant, Fixtures::uniqueEmail, "a wrong password"),
                attempt(tenant, () -> cheap, "a wrong password")),
                "unknown email, wrong password for bcrypt cost 4");
    }

    private String imported(Fixtures.Tenant tenant, int cost) {
        return imported(api, tenant, cost);
    }

    /** A customer imported with a bcrypt hash of {@code cost} of "an imported password"; answers their email. */
    static String imported(Api api, Fixtures.Tenant tenant, int cost) {
        String email = Fixtures.uniqueEmail();
        String hash = bcrypt(cost);
        api.post("/v1/admin/customers").bearer(tenant.sk()).body(Map.of("email", email, "password_hash", hash))
                .send().expect(201);
        return email;
    }

    /** A bcrypt hash of {@code cost} of "an imported password". */
    static String bcrypt(int cost) {
        return OpenBSDBCrypt.generate("2b", "an imported password".toCharArray(),
                "sixteen byte slt".getBytes(StandardCharsets.US_ASCII), cost);
    }

    /** Asserts the cases' medians (see {@link #medians}) within {@link #TOLERANCE} of each other; answers them. */
    static List<Double> assertAboutTheSameTime(List<Supplier<Api.Res>> cases, String names) {
        List<Double> medians = medians(cases, SAMPLES);
        double fastest = medians.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double slowest = medians.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        assertThat(slowest / fastest).as("median ms of %s: %s", names, medians).isLessThan(TOLERANCE);
        return medians;
    }

    /** The median ms of each case, sampled {@code samples} times interleaved after a few unmeasured rounds. */
    static List<Double> medians(List<Supplier<Api.Res>> cases, int samples) {
        long[][] nanos = new long[cases.size()][samples];
        for (int round = -WARM_UP; round < samples; round++) {
            for (int c = 0; c < cases.size(); c++) {
                long started = System.nanoTime();
                cases.get(c).get();
                if (round >= 0) {
                    nanos[c][round] = System.nanoTime() - started;
                }
            }
        }
        List<Double> medians = new ArrayList<>();
        for (long[] sampled : nanos) {
            Arrays.sort(sampled);
            medians.add(sampled[samples / 2] / 1e6);
        }
        return medians;
    }
}
