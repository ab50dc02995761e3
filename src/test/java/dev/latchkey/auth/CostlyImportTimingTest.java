package dev.latchkey.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.bulk.BulkCalls;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.DedicatedServer;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestDatabases;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A customer imported with a hash costlier than the current cost must not be told from an unknown address by answer
 * time, and a shop without such an import keeps its own time. Runs with an Argon2id cost well below bcrypt's highest
 * importable cost (12), as a shop's own cost may be below an old system's: the difference is then many times
 * the noise, which {@link LoginTimingTest}'s tolerance allows for.
 */
class CostlyImportTimingTest {
    private static final int SAMPLES = 5;

    @RegisterExtension
    static final DedicatedServer OWN = new DedicatedServer(Map.of(
            "LATCHKEY_ARGON2_MEMORY_KIB", "4096",
            "LATCHKEY_ARGON2_ITERATIONS", "1",
            "LATCHKEY_RATE_LIMIT_LOGIN_PER_IP", "off",
            "LATCHKEY_RATE_LIMIT_LOGIN_PER_ACCOUNT", "off"));
    private final Api api = OWN.api();

    private Supplier<Api.Res> attempt(Fixtures.Tenant tenant, Supplier<String> email) {
        return () -> api.post("/v1/auth/login").key(tenant.pk())
                .body(Map.of("email", email.get(), "password", "a wrong password")).send()
                .expect(401, "invalid_credentials");
    }

    @Test
    void loginWhenImportedHashCostlierThenAnUnknownEmailTakesAsLongAsAWrongPasswordForIt() {
        var costly = Fixtures.tenant(api, Map.of("lockout_threshold", 100));
        var plain = Fixtures.tenant(api, Map.of("lockout_threshold", 100));
        String imported = LoginTimingTest.imported(api, costly, 12);

        List<Double> medians = LoginTimingTest.assertAboutTheSameTime(List.of(
                attempt(costly, Fixtures::uniqueEmail),
                attempt(costly, () -> imported)),
                "unknown email, wrong password for bcrypt cost 12");
        assertToldApart(plain, costly, "a shop without imports, the shop with one, against " + medians);
    }

    /**
     * The wait lasts while a customer of the shop has a costly hash: the first customer's login replaces theirs, the
     * second's still costs as much; once the second's is replaced too, the shop answers in its own time again.
     */
    @Test
    void loginWhenTheCostlyImportedHashesAreReplacedThenTheShopAnswersInItsOwnTimeAgain() {
        var plain = Fixtures.tenant(api, Map.of("lockout_threshold", 100));
        var tenant = Fixtures.tenant(api, Map.of("lockout_threshold", 100));
        String first = LoginTimingTest.imported(api, tenant, 12);
        String second = LoginTimingTest.imported(api, tenant, 12);

        logIn(tenant, first);
        assertToldApart(plain, tenant, "a shop without imports, the shop whose second customer has bcrypt cost 12");

        logIn(tenant, second);
        List<Double> medians = LoginTimingTest.medians(List.of(
                attempt(plain, Fixtures::uniqueEmail), attempt(tenant, Fixtures::uniqueEmail)), SAMPLES);
        assertThat(medians.get(1) / medians.get(0))
                .as("median ms of an unknown email of a shop without imports, the shop without costly hashes "
                        + "any more: %s", medians)
                .isLessThan(LoginTimingTest.TOLERANCE);
    }

    /** A bulk import that sets a costly hash on a customer who had no password makes the shop wait as well. */
    @Test
    void loginWhenABulkImportSetsACostlyHashOnACustomerWithoutOneThenAnUnknownEmailWaitsAsLongAsItsVerification() {
        var plain = Fixtures.tenant(api, Map.of("lockout_threshold", 100));
        var tenant = Fixtures.tenant(api, Map.of("lockout_threshold", 100));
        String email = Fixtures.uniqueEmail();
        api.post("/v1/admin/customers").bearer(tenant.sk()).body(Map.of("email", email)).send().expect(201);

        JsonNode job = BulkCalls.importAndWait(api, tenant.sk(), "application/x-ndjson",
                Api.json(Map.of("email", email, "password_hash", LoginTimingTest.bcrypt(12))) + "\n",
                "?on_conflict=update");

        assertThat(job.path("updated").asInt()).isEqualTo(1);
        assertToldApart(plain, tenant, "a shop without imports, the shop whose customer got bcrypt cost 12 in bulk");
        logIn(tenant, email);
    }

    /**
     * Only a refusal waits for the shop's costs: a successful login of a shop whose cost no refusal has measured yet
     * answers without measuring it (three verifications of that cost), sooner than a refusal, which waits for one.
     */
    @Test
    void loginWhenItSucceedsThenItDoesNotWaitForTheShopsCostsToBeMeasured() {
        var plain = Fixtures.tenant(api, Map.of("lockout_threshold", 100));
        var tenant = Fixtures.tenant(api, Map.of("lockout_threshold", 100));
        // a cost of this test alone, so that nothing measured it before
        api.post("/v1/admin/customers").bearer(tenant.sk()).body(Map.of("email", Fixtures.uniqueEmail(),
                "password_hash", "$argon2id$v=19$m=65536,t=4,p=3$c2FsdHNhbHRzYWx0$" + "A".repeat(42) + "E"))
                .send().expect(201);
        var own = Fixtures.shopper(api, tenant);
        var warmUp = Fixtures.shopper(api, plain);
        Fixtures.login(api, plain, warmUp.email(), warmUp.password());

        long started = System.nanoTime();
        Fixtures.login(api, tenant, own.email(), own.password());
        long succeeded = System.nanoTime() - started;
        attempt(tenant, Fixtures::uniqueEmail).get(); // measures the cost
        started = System.nanoTime();
        attempt(tenant, Fixtures::uniqueEmail).get();
        long refused = System.nanoTime() - started;

        assertThat(succeeded).as("ns of a successful login, the first of the shop, against a refusal's %s", refused)
                .isLessThan(refused);
    }

    /**
     * An import's batch holds its costs' rows until it commits: meanwhile another customer with a hash of the same
     * cost is created at once, and a login whose rehash replaces a hash of that cost answers at once too, keeping the
     * cost rather than waiting to check whether it is still needed. (H2 has no shared row lock: there a writer takes
     * the row for itself, and others of the cost queue for the milliseconds of its transaction.)
     */
    @Test
    void createAndLoginWhileAnImportBatchHoldsTheirCostThenNeitherWaits() throws Exception {
        Assumptions.assumeTrue(TestDatabases.postgres(), "H2 has no shared row lock");
        var tenant = Fixtures.tenant(api, Map.of("lockout_threshold", 100));
        String imported = LoginTimingTest.imported(api, tenant, 4);
        try (Connection batch = OWN.server().app.database().dataSource().getConnection()) {
            batch.setAutoCommit(false);
            try (PreparedStatement held = batch.prepareStatement("SELECT cost FROM tenant_password_costs "
                    + "WHERE tenant_id = ? AND cost = 'bcrypt:04' FOR SHARE")) {
                held.setString(1, tenant.id());
                try (ResultSet rs = held.executeQuery()) {
                    assertThat(rs.next()).as("the shop's cost bcrypt:04").isTrue();
                }
            }

            CompletableFuture<Api.Res> created = CompletableFuture.supplyAsync(() -> api.post("/v1/admin/customers")
                    .bearer(tenant.sk()).body(Map.of("email", Fixtures.uniqueEmail(),
                            "password_hash", LoginTimingTest.bcrypt(4))).send());
            CompletableFuture<Api.Res> loggedIn = CompletableFuture.supplyAsync(() -> api.post("/v1/auth/login")
                    .key(tenant.pk()).body(Map.of("email", imported, "password", "an imported password")).send());

            created.get(10, TimeUnit.SECONDS).expect(201);
            loggedIn.get(10, TimeUnit.SECONDS).expect(200);
            batch.rollback();
        }
        List<String> kept = OWN.server().app.database().read(h -> h.createQuery("SELECT cost "
                + "FROM tenant_password_costs WHERE tenant_id = :tenant").bind("tenant", tenant.id())
                .mapTo(String.class).list());
        assertThat(kept).containsExactly("bcrypt:04");
    }

    /** An unknown email of {@code slower} takes longer than one of {@code plain} by more than the tolerance. */
    private void assertToldApart(Fixtures.Tenant plain, Fixtures.Tenant slower, String names) {
        List<Double> medians = LoginTimingTest.medians(List.of(
                attempt(plain, Fixtures::uniqueEmail), attempt(slower, Fixtures::uniqueEmail)), SAMPLES);
        assertThat(medians.get(1) / medians.get(0)).as("median ms of an unknown email of %s: %s", names, medians)
                .isGreaterThan(LoginTimingTest.TOLERANCE);
    }

    private void logIn(Fixtures.Tenant tenant, String email) {
        api.post("/v1/auth/login").key(tenant.pk()).body(Map.of("email", email, "password", "an imported password"))
                .send().expect(200);
    }
}
