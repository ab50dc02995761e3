package dev.latchkey.db;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.DedicatedServer;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.latchkey.testing.Tokens.anonymous;
import static dev.latchkey.testing.Tokens.introspect;
import static dev.latchkey.testing.Tokens.refresh;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Housekeeping on a server of its own, whose clock can move a month without disturbing other tests. The tests run in
 * order, since the last one closes the server.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HousekeepingTest {
    @RegisterExtension
    static final DedicatedServer OWN = new DedicatedServer(Map.of("LATCHKEY_AUDIT_RETENTION_DAYS", "30"));
    private final TestServer server = OWN.server();
    private final Api api = OWN.api();

    private int count(Fixtures.Tenant tenant) {
        return api.get("/v1/admin/audit?limit=100").bearer(tenant.sk()).send().expect(200).body().path("data").size();
    }

    private int rows(String table, String tenantId) {
        return server.app.database().read(h -> h.createQuery("SELECT COUNT(*) FROM " + table
                + " WHERE tenant_id = :tenant").bind("tenant", tenantId).mapTo(Integer.class).one());
    }

    @Test
    @Order(1)
    void runWhenAuditEventsPassTheRetentionThenOnlyThoseGo() {
        var tenant = Fixtures.tenant(api);
        var other = Fixtures.tenant(api);
        Fixtures.shopper(api, tenant);
        Fixtures.shopper(api, other);
        server.clock.advance(Duration.ofDays(29));
        server.app.housekeeping().run();
        assertThat(count(tenant)).isEqualTo(1);
        assertThat(count(other)).isEqualTo(1);
        Fixtures.shopper(api, tenant);
        server.clock.advance(Duration.ofDays(2));

        assertThat(server.app.housekeeping().run().get("audit events past retention")).isGreaterThanOrEqualTo(2);
        assertThat(count(tenant)).isEqualTo(1);
        assertThat(count(other)).isZero();
    }

    @Test
    @Order(2)
    void runWhenTokensAndSessionsExpiredADayAgoThenTheyGoAndLiveOnesStay() {
        var shop = StaffFixtures.shop(api, Map.of("refresh_token_ttl", 3600, "access_token_ttl", 600));
        var tenant = shop.tenant();
        var expiring = Fixtures.shopper(api, tenant);
        refresh(api, tenant, refresh(api, tenant, expiring.refreshToken()).expect(200).str("refresh_token"))
                .expect(200);
        StaffFixtures.ownerToken(api, shop);
        api.post("/v1/auth/password/forgot").key(tenant.pk()).body(Map.of("email", expiring.email())).send()
                .expect(202);
        int emailed = rows("email_tokens", tenant.id());
        assertThat(rows("token_pairs", tenant.id())).isEqualTo(3);
        assertThat(emailed).isPositive();
        assertThat(rows("staff_sessions", tenant.id())).isPositive();

        server.clock.advance(Duration.ofHours(1 + 23)); // expired 23 hours ago: kept
        server.app.housekeeping().run();
        assertThat(rows("token_pairs", tenant.id())).isEqualTo(3);
        server.clock.advance(Duration.ofHours(2));
        var live = Fixtures.login(api, tenant, expiring.email(), expiring.password());

        Map<String, Integer> deleted = server.app.housekeeping().run();

        assertThat(deleted.get("expired tokens and sessions")).isGreaterThanOrEqualTo(3 + 1);
        assertThat(rows("token_pairs", tenant.id())).isEqualTo(1);
        assertThat(rows("sessions", tenant.id())).isEqualTo(1);
        assertThat(rows("staff_sessions", tenant.id())).isPositive(); // a 12-hour session, expired 14 hours ago
        introspect(api, tenant, live.accessToken()).expect(200);
        refresh(api, tenant, live.refreshToken()).expect(200);
        // an emailed link answers token_expired for a month after it expired, and is then forgotten
        assertThat(rows("email_tokens", tenant.id())).isEqualTo(emailed);
        server.clock.advance(Duration.ofDays(30));
        assertThat(server.app.housekeeping().run().get("expired emailed tokens")).isGreaterThanOrEqualTo(emailed);
        assertThat(rows("email_tokens", tenant.id())).isZero();
        assertThat(rows("staff_sessions", tenant.id())).isZero();
    }

    private String cartWithOneItem(Fixtures.Tenant tenant, String accessToken) {
        String cartId = api.post("/v1/carts").key(tenant.pk()).bearer(accessToken).send().expect(201).str("id");
        api.put("/v1/carts/" + cartId + "/items/SKU-1").key(tenant.pk()).bearer(accessToken)
                .body(Map.of("quantity", 2)).send().expect(200);
        return cartId;
    }

    @Test
    @Order(3)
    void runWhenAnAnonymousSessionIsGoneThenItsCartGoesAndOtherCartsStay() {
        var tenant = Fixtures.tenant(api, Map.of("anonymous_refresh_ttl", 3600));
        cartWithOneItem(tenant, anonymous(api, tenant).str("access_token"));
        var shopper = Fixtures.shopper(api, tenant);
        String customers = cartWithOneItem(tenant, shopper.accessToken());
        server.clock.advance(Duration.ofHours(1 + 25)); // the guest's session expired 25 hours ago
        String liveGuest = anonymous(api, tenant).str("access_token");
        String guests = cartWithOneItem(tenant, liveGuest);

        server.app.housekeeping().run();

        assertThat(rows("carts", tenant.id())).isEqualTo(2);
        assertThat(rows("cart_items", tenant.id())).isEqualTo(2);
        api.get("/v1/carts/" + guests).key(tenant.pk()).bearer(liveGuest).send().expect(200);
        var relogged = Fixtures.login(api, tenant, shopper.email(), shopper.password());
        api.get("/v1/carts/" + customers).key(tenant.pk()).bearer(relogged.accessToken()).send().expect(200);
    }

    @Test
    @Order(4)
    void runWhenAnAccessTokenOutlivesItsRefreshTokenByMoreThanADayThenItsSessionStays() {
        var tenant = Fixtures.tenant(api, Map.of("access_token_ttl", 172_800, "refresh_token_ttl", 3600));
        var shopper = Fixtures.shopper(api, tenant);
        server.clock.advance(Duration.ofHours(1 + 25)); // the refresh token expired 25 hours ago, the access token lives

        server.app.housekeeping().run();

        assertThat(rows("sessions", tenant.id())).isEqualTo(1);
        introspect(api, tenant, shopper.accessToken()).expect(200);
        refresh(api, tenant, shopper.refreshToken()).expect(401, "invalid_token");
    }

    /** A webhook's deliveries are kept 30 days for the merchant to look into, then go. */
    @Test
    @Order(5)
    void runWhenWebhookDeliveriesAreAMonthOldThenTheyGoAndRecentOnesStay() {
        var tenant = Fixtures.tenant(api);
        String webhook = api.post("/v1/admin/webhooks").bearer(tenant.sk())
                .body(Map.of("url", "http://127.0.0.1:9/hooks", "events", List.of("customer.created"))).send()
                .expect(201).str("id");
        Runnable customer = () -> api.post("/v1/admin/customers").bearer(tenant.sk())
                .body(Map.of("email", Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD)).send().expect(201);
        customer.run();
        customer.run();
        api.patch("/v1/admin/webhooks/" + webhook).bearer(tenant.sk()).body(Map.of("status", "disabled")).send()
                .expect(200);
        api.patch("/v1/admin/webhooks/" + webhook).bearer(tenant.sk()).body(Map.of("status", "active")).send()
                .expect(200);
        assertThat(rows("webhook_deliveries", tenant.id())).isEqualTo(2);
        server.clock.advance(Duration.ofDays(31));
        customer.run();

        assertThat(server.app.housekeeping().run().get("old webhook deliveries")).isGreaterThanOrEqualTo(2);

        assertThat(rows("webhook_deliveries", tenant.id())).isEqualTo(1);
    }

    @Test
    @Order(6)
    void closeThenTheJobStops() {
        assertThat(server.app.housekeeping().isRunning()).isTrue();
        server.app.close();
        assertThat(server.app.housekeeping().isRunning()).isFalse();
    }
}
