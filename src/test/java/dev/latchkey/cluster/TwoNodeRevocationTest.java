package dev.latchkey.cluster;

import dev.latchkey.testing.Agents;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.Await;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestClock;
import dev.latchkey.testing.TestDatabases;
import dev.latchkey.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two servers on one PostgreSQL database behave as one: a revocation made through node A is refused by node B on the
 * very next request, although B had the token in its cache.
 */
class TwoNodeRevocationTest {
    private static TestNode nodeA;
    private static TestNode nodeB;
    private static Api a;
    private static Api b;

    @BeforeAll
    static void startTwoNodes() {
        Assumptions.assumeTrue(TestDatabases.postgres(), "several nodes need a shared PostgreSQL database");
        var database = TestDatabases.create();
        var clock = new TestClock();
        nodeA = TestNode.start(database, clock);
        nodeB = TestNode.start(database, clock);
        a = nodeA.api;
        b = nodeB.api;
        // a node caches nothing for its first seconds of listening; only then can B answer from its cache
        awaitCaching(nodeA);
        awaitCaching(nodeB);
    }

    private static void awaitCaching(TestNode node) {
        Await.until(() -> node.app.invalidations().mayCache(), 10_000, "the node caches");
    }

    @AfterAll
    static void stopNodes() {
        TestNode.closeAll(nodeA, nodeB);
    }

    private static void warmOnB(Fixtures.Tenant tenant, String accessToken) {
        b.get("/v1/auth/token").key(tenant.pk()).bearer(accessToken).send().expect(200);
    }

    private static void refusedOnB(Fixtures.Tenant tenant, String accessToken) {
        b.get("/v1/auth/token").key(tenant.pk()).bearer(accessToken).send().expect(401, "invalid_token");
    }

    /**
     * The control for every test below: B answers a token it validated from its cache, so a revocation written to
     * the database without a notification goes unseen by B. B refusing after a revocation through A is the
     * notification's doing.
     */
    @Test
    void bAnswersFromItsCacheWhatNobodyToldItAbout() {
        var tenant = Fixtures.tenant(a);
        var shopper = Fixtures.shopper(a, tenant);
        warmOnB(tenant, shopper.accessToken());

        nodeA.app.database().run(h -> h.createUpdate("UPDATE token_pairs SET access_revoked_at = now() WHERE tenant_id = :tenant")
                .bind("tenant", tenant.id()).execute());

        warmOnB(tenant, shopper.accessToken());
    }

    /** The control for the profile test below: B answers its shopper's profile from its cache. */
    @Test
    void bAnswersTheProfileFromItsCacheWhatNobodyToldItAbout() {
        var tenant = Fixtures.tenant(a);
        var shopper = Fixtures.shopper(a, tenant);
        String before = b.get("/v1/me").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(200)
                .str("first_name");

        nodeA.app.database().run(h -> h.createUpdate("UPDATE customers SET first_name = 'Changed' "
                + "WHERE tenant_id = :tenant").bind("tenant", tenant.id()).execute());

        String after = b.get("/v1/me").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(200)
                .str("first_name");
        assertThat(after).isEqualTo(before).isNotEqualTo("Changed");
    }

    @Test
    void profileChangedOnOneNodeShowsOnTheOther() {
        var tenant = Fixtures.tenant(a);
        var shopper = Fixtures.shopper(a, tenant);
        b.get("/v1/me").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(200);

        a.patch("/v1/me").key(tenant.pk()).bearer(shopper.accessToken())
                .body(Map.of("first_name", "Ada", "phone", "+4915112345678")).send().expect(200);

        var onB = b.get("/v1/me").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(200);
        assertThat(onB.str("first_name")).isEqualTo("Ada");
        assertThat(onB.str("phone")).isEqualTo("+4915112345678");
    }

    /**
     * The connection that notifies the other nodes ends between two revocations (a failover, a proxy's reset): within
     * a second of its last use nothing checks it first, so sending on it fails. The notification is sent again on a
     * new connection, and B still refuses the token at once.
     */
    @Test
    void logoutWhenTheNotifyingConnectionWasEndedMeanwhileIsStillRefusedByTheOther() {
        var tenant = Fixtures.tenant(a);
        var earlier = Fixtures.shopper(a, tenant);
        var shopper = Fixtures.shopper(a, tenant);
        warmOnB(tenant, shopper.accessToken());
        a.post("/v1/auth/logout").key(tenant.pk()).bearer(earlier.accessToken()).send().expect(204);

        int ended = nodeA.app.database().read(h -> h.createQuery("SELECT count(pg_terminate_backend(pid)) "
                + "FROM pg_stat_activity WHERE application_name = 'latchkey-notifier' "
                + "AND datname = current_database()").mapTo(Integer.class).one());
        a.post("/v1/auth/logout").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(204);

        assertThat(ended).as("notifying connections ended").isPositive();
        refusedOnB(tenant, shopper.accessToken());
    }

    @Test
    void logoutOnOneNodeIsRefusedByTheOther() {
        var tenant = Fixtures.tenant(a);
        var shopper = Fixtures.shopper(a, tenant);
        warmOnB(tenant, shopper.accessToken());

        a.post("/v1/auth/logout").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(204);

        refusedOnB(tenant, shopper.accessToken());
    }

    /** A merge erases its duplicate as a deletion does: its tokens die on every node, the kept customer's live on. */
    @Test
    void mergeOnOneNodeRefusesTheDuplicatesTokensOnTheOther() {
        var tenant = Fixtures.tenant(a);
        var kept = Fixtures.shopper(a, tenant);
        var duplicate = Fixtures.shopper(a, tenant);
        warmOnB(tenant, duplicate.accessToken());
        warmOnB(tenant, kept.accessToken());

        a.post("/v1/admin/customers/" + kept.customerId() + "/merge").bearer(tenant.sk())
                .body(Map.of("source_id", duplicate.customerId())).send().expect(200);

        refusedOnB(tenant, duplicate.accessToken());
        b.post("/v1/auth/refresh").key(tenant.pk()).body(Map.of("refresh_token", duplicate.refreshToken())).send()
                .expect(401, "invalid_token");
        warmOnB(tenant, kept.accessToken());
    }

    @Test
    void refreshOnOneNodeRevokesTheOldAccessTokenOnTheOther() {
        var tenant = Fixtures.tenant(a);
        var shopper = Fixtures.shopper(a, tenant);
        warmOnB(tenant, shopper.accessToken());

        String newAccess = a.post("/v1/auth/refresh").key(tenant.pk())
                .body(Map.of("refresh_token", shopper.refreshToken())).send().expect(200).str("access_token");

        refusedOnB(tenant, shopper.accessToken());
        warmOnB(tenant, newAccess);
    }

    /** Revocations made at the same moment travel together in one notification; none may be lost on the way. */
    @Test
    void manyLogoutsAtOnceOnOneNodeAreAllRefusedByTheOther() throws Exception {
        var tenant = Fixtures.tenant(a);
        var shopper = Fixtures.shopper(a, tenant);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            tokens.add(Fixtures.login(a, tenant, shopper.email(), shopper.password()).accessToken());
        }
        tokens.forEach(token -> warmOnB(tenant, token));

        try (var pool = Executors.newFixedThreadPool(tokens.size())) {
            List<Callable<Integer>> logouts = tokens.stream().<Callable<Integer>>map(token -> () ->
                    a.post("/v1/auth/logout").key(tenant.pk()).bearer(token).send().expect(204).status()).toList();
            for (var done : pool.invokeAll(logouts)) {
                done.get();
            }
        }

        tokens.forEach(token -> refusedOnB(tenant, token));
        warmOnB(tenant, shopper.accessToken());
    }

    @Test
    void refreshReuseOnOneNodeEndsTheSessionOnTheOther() {
        var tenant = Fixtures.tenant(a, Map.of("refresh_reuse_grace", 0));
        var shopper = Fixtures.shopper(a, tenant);
        var rotated = a.post("/v1/auth/refresh").key(tenant.pk())
                .body(Map.of("refresh_token", shopper.refreshToken())).send().expect(200);
        String newAccess = rotated.str("access_token");
        warmOnB(tenant, newAccess);

        a.post("/v1/auth/refresh").key(tenant.pk()).body(Map.of("refresh_token", shopper.refreshToken()))
                .send().expect(401, "refresh_token_reused");

        refusedOnB(tenant, newAccess);
    }

    @Test
    void renewOnOneNodeRevokesTheOldTokenOnTheOther() {
        var tenant = Fixtures.tenant(a);
        var shopper = Fixtures.shopper(a, tenant);
        warmOnB(tenant, shopper.accessToken());

        a.post("/v1/auth/renew").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(200);

        refusedOnB(tenant, shopper.accessToken());
    }

    @Test
    void passwordChangeOnOneNodeEndsTheOtherSessionsOnTheOther() {
        var tenant = Fixtures.tenant(a);
        var shopper = Fixtures.shopper(a, tenant);
        var phone = Fixtures.login(a, tenant, shopper.email(), shopper.password());
        warmOnB(tenant, phone.accessToken());

        a.post("/v1/me/password").key(tenant.pk()).bearer(shopper.accessToken())
                .body(Map.of("current_password", shopper.password(), "new_password", "an entirely new passphrase"))
                .send().expect(204);

        refusedOnB(tenant, phone.accessToken());
        warmOnB(tenant, shopper.accessToken());
    }

    /** An agent's grant is a session: its revocation, and a password change, reach the other node's cache alike. */
    @Test
    void agentGrantEndedOnOneNodeIsRefusedByTheOther() {
        var tenant = Fixtures.tenant(a);
        var shopper = Fixtures.shopper(a, tenant);
        var revoked = Agents.grant(a, shopper, "profile:read");
        var other = Agents.grant(a, shopper, "cart:read");
        warmOnB(tenant, revoked.accessToken());
        warmOnB(tenant, other.accessToken());

        a.delete("/v1/me/agents/" + revoked.id()).as(shopper).send().expect(204);

        refusedOnB(tenant, revoked.accessToken());
        warmOnB(tenant, other.accessToken());
        a.post("/v1/me/password").as(shopper)
                .body(Map.of("current_password", shopper.password(), "new_password", "an entirely new passphrase"))
                .send().expect(204);
        refusedOnB(tenant, other.accessToken());
    }

    @Test
    void settingsChangedOnOneNodeApplyOnTheOther() {
        var tenant = Fixtures.tenant(a);
        b.get("/v1/admin/settings").bearer(tenant.sk()).send().expect(200);

        a.patch("/v1/admin/settings").bearer(tenant.sk()).body(Map.of("password_min_length", 20)).send().expect(200);

        b.post("/v1/customers").key(tenant.pk())
                .body(Map.of("email", Fixtures.uniqueEmail(), "password", "only-fifteen-ch"))
                .send().expect(422, "validation_failed");
    }

    /** The control for the suspension test below: B checks a tenant's status in the tenant it cached. */
    @Test
    void bAnswersForATenantFromItsCacheWhatNobodyToldItAbout() {
        var tenant = Fixtures.tenant(a);
        b.post("/v1/anonymous").key(tenant.pk()).send().expect(201);

        nodeA.app.database().run(h -> h.createUpdate("UPDATE tenants SET status = 'suspended' WHERE id = :id")
                .bind("id", tenant.id()).execute());

        b.post("/v1/anonymous").key(tenant.pk()).send().expect(201);
    }

    @Test
    void tenantSuspendedOnOneNodeIsRefusedByTheOtherAndReactivatedLikewise() {
        var tenant = Fixtures.tenant(a);
        var shopper = Fixtures.shopper(a, tenant);
        warmOnB(tenant, shopper.accessToken());
        b.get("/v1/admin/settings").bearer(tenant.sk()).send().expect(200);

        Fixtures.status(a, tenant.id(), "suspended");

        b.get("/v1/auth/token").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(403, "tenant_suspended");
        b.get("/v1/admin/settings").bearer(tenant.sk()).send().expect(403, "tenant_suspended");

        Fixtures.status(a, tenant.id(), "active");

        warmOnB(tenant, shopper.accessToken());
        b.get("/v1/admin/settings").bearer(tenant.sk()).send().expect(200);
    }

    @Test
    void adminSessionRevokeOnOneNodeIsRefusedByTheOther() {
        var tenant = Fixtures.tenant(a);
        var shopper = Fixtures.shopper(a, tenant);
        warmOnB(tenant, shopper.accessToken());

        a.delete("/v1/admin/customers/" + shopper.customerId() + "/sessions/" + shopper.sessionId())
                .bearer(tenant.sk()).send().expect(204);

        refusedOnB(tenant, shopper.accessToken());
    }

    @Test
    void statusOnHoldOnOneNodeEndsTheSessionOnTheOther() {
        var tenant = Fixtures.tenant(a);
        var shopper = Fixtures.shopper(a, tenant);
        warmOnB(tenant, shopper.accessToken());

        a.patch("/v1/admin/customers/" + shopper.customerId()).bearer(tenant.sk())
                .body(Map.of("status", "on_hold")).send().expect(200);

        refusedOnB(tenant, shopper.accessToken());
        b.post("/v1/auth/login").key(tenant.pk()).body(Map.of("email", shopper.email(), "password",
                shopper.password())).send().expect(403, "account_on_hold");
    }

    @Test
    void bulkDisableOnOneNodeEndsEverySessionOfEveryCustomerOnTheOther() {
        var tenant = Fixtures.tenant(a);
        List<Fixtures.Shopper> shoppers = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            var shopper = Fixtures.shopper(a, tenant);
            shoppers.add(shopper);
            tokens.add(shopper.accessToken());
            tokens.add(Fixtures.login(a, tenant, shopper.email(), shopper.password()).accessToken());
        }
        tokens.forEach(token -> warmOnB(tenant, token));

        a.post("/v1/admin/customers/bulk").bearer(tenant.sk()).body(Map.of("ids",
                shoppers.stream().map(Fixtures.Shopper::customerId).toList(), "status", "disabled")).send().expect(200);

        tokens.forEach(token -> refusedOnB(tenant, token));
    }

    @Test
    void apiKeyRevokedOnOneNodeIsRefusedByTheOther() {
        var tenant = Fixtures.tenant(a);
        String newSecret = a.post("/v1/admin/api-keys").bearer(tenant.sk()).body(Map.of("kind", "secret"))
                .send().expect(201).str("key");
        var keys = a.get("/v1/admin/api-keys").bearer(newSecret).send().expect(200).body().path("data");
        b.post("/v1/anonymous").key(tenant.pk()).send().expect(201);
        b.get("/v1/admin/settings").bearer(tenant.sk()).send().expect(200);

        for (var key : keys) {
            if (!key.path("hint").asText().equals(newSecret.substring(newSecret.length() - 4))) {
                a.delete("/v1/admin/api-keys/" + key.path("id").asText()).bearer(newSecret).send().expect(204);
            }
        }

        b.post("/v1/anonymous").key(tenant.pk()).send().expect(401, "invalid_api_key");
        b.get("/v1/admin/settings").bearer(tenant.sk()).send().expect(401, "invalid_api_key");
        b.get("/v1/admin/settings").bearer(newSecret).send().expect(200);
    }
}
