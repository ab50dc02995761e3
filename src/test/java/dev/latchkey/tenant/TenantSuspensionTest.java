package dev.latchkey.tenant;

import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * While the operator has suspended a tenant, every credential of it is refused with 403 tenant_suspended; nothing is
 * deleted, so reactivating restores every key, session and token still within its lifetime.
 */
class TenantSuspensionTest extends ApiTest {
    private static final String SUSPENDED = "tenant_suspended";

    /** A shop with an owner, a logged-in shopper, a guest and a staff session, each used once (and so cached). */
    private record Held(StaffFixtures.Shop shop, Fixtures.Shopper shopper, String guest, String staffToken) {
        Fixtures.Tenant tenant() {
            return shop.tenant();
        }
    }

    private Held held() {
        var shop = StaffFixtures.shop(api, Map.of("allowed_origins", List.of("https://shop.example.com")));
        var shopper = Fixtures.shopper(api, shop.tenant());
        String guest = api.post("/v1/anonymous").key(shop.tenant().pk()).send().expect(201).str("access_token");
        String staffToken = StaffFixtures.ownerToken(api, shop);
        var held = new Held(shop, shopper, guest, staffToken);
        assertEveryCredentialWorks(held);
        return held;
    }

    private void assertEveryCredentialWorks(Held held) {
        api.get("/v1/me").as(held.shopper()).send().expect(200);
        api.get("/v1/auth/token").key(held.tenant().pk()).bearer(held.guest()).send().expect(200);
        api.get("/v1/admin/customers").bearer(held.tenant().sk()).send().expect(200);
        api.get("/v1/admin/customers").bearer(held.staffToken()).send().expect(200);
    }

    @Test
    void storefrontWhenSuspendedThenPublishableKeySecretKeyAndShoppersTokensAreRefused() {
        Held held = held();
        var tenant = held.tenant();

        Fixtures.status(api, tenant.id(), "suspended");

        api.post("/v1/anonymous").key(tenant.pk()).send().expect(403, SUSPENDED);
        api.post("/v1/anonymous").key(tenant.sk()).send().expect(403, SUSPENDED);
        api.post("/v1/customers").key(tenant.pk())
                .body(Map.of("email", Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD)).send()
                .expect(403, SUSPENDED);
        api.post("/v1/auth/login").key(tenant.pk())
                .body(Map.of("email", held.shopper().email(), "password", held.shopper().password())).send()
                .expect(403, SUSPENDED);
        api.post("/v1/auth/password/forgot").key(tenant.pk()).body(Map.of("email", held.shopper().email())).send()
                .expect(403, SUSPENDED);
        api.get("/v1/me").as(held.shopper()).send().expect(403, SUSPENDED);
        api.get("/v1/me").key(tenant.sk()).bearer(held.shopper().accessToken()).send().expect(403, SUSPENDED);
        api.get("/v1/auth/token").as(held.shopper()).send().expect(403, SUSPENDED);
        api.get("/v1/me/addresses").as(held.shopper()).send().expect(403, SUSPENDED);
        api.get("/v1/auth/token").key(tenant.pk()).bearer(held.guest()).send().expect(403, SUSPENDED);
        api.post("/v1/auth/refresh").key(tenant.pk()).body(Map.of("refresh_token", held.shopper().refreshToken()))
                .send().expect(403, SUSPENDED);
        // ending a session only takes access away: allowed, and it stays ended once the tenant is active again
        api.post("/v1/auth/logout").as(held.shopper()).send().expect(204);
        Fixtures.status(api, tenant.id(), "active");
        api.get("/v1/me").as(held.shopper()).send().expect(401, "invalid_token");
    }

    @Test
    void storefrontWhenSuspendedThenTheRefusalCarriesCorsForTheTenantsOwnOriginOnly() {
        Held held = held();
        Fixtures.status(api, held.tenant().id(), "suspended");

        var own = api.get("/v1/me").as(held.shopper()).header("Origin", "https://shop.example.com").send()
                .expect(403, SUSPENDED);
        var other = api.get("/v1/me").as(held.shopper()).header("Origin", "https://evil.example.com").send()
                .expect(403, SUSPENDED);

        assertThat(own.header("Access-Control-Allow-Origin")).isEqualTo("https://shop.example.com");
        assertThat(other.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void adminWhenSuspendedThenSecretKeyAndStaffSessionAreRefusedAndStaffLoginToo() {
        Held held = held();
        var shop = held.shop();

        Fixtures.status(api, shop.id(), "suspended");

        api.get("/v1/admin/customers").bearer(shop.tenant().sk()).send().expect(403, SUSPENDED);
        api.post("/v1/admin/api-keys").bearer(shop.tenant().sk()).body(Map.of("kind", "secret")).send()
                .expect(403, SUSPENDED);
        api.patch("/v1/admin/settings").bearer(held.staffToken()).body(Map.of("password_min_length", 12)).send()
                .expect(403, SUSPENDED);
        api.get("/v1/admin/staff").bearer(held.staffToken()).send().expect(403, SUSPENDED);
        StaffFixtures.login(api, shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(403, SUSPENDED);
        // said only to whoever knows the password
        StaffFixtures.login(api, shop.id(), shop.ownerEmail(), "not the password at all").expect(401,
                "invalid_credentials");
        StaffFixtures.login(api, shop.id(), "nobody-" + Fixtures.uniqueEmail(), shop.ownerPassword())
                .expect(401, "invalid_credentials");
        api.post("/v1/admin/staff/logout").bearer(held.staffToken()).send().expect(204);
        Fixtures.status(api, shop.id(), "active");
        api.get("/v1/admin/staff").bearer(held.staffToken()).send().expect(401, "invalid_token");
    }

    /** Refused requests are no activity: a session left alone through a suspension runs idle as it would have. */
    @Test
    void staffTokenWhenUsedOnlyWhileSuspendedThenItsIdleTimeRunsOn() {
        Held held = held();
        Fixtures.status(api, held.shop().id(), "suspended");
        server.clock.advance(java.time.Duration.ofMinutes(20));
        api.get("/v1/admin/staff").bearer(held.staffToken()).send().expect(403, SUSPENDED);
        server.clock.advance(java.time.Duration.ofMinutes(15));
        Fixtures.status(api, held.shop().id(), "active");

        api.get("/v1/admin/staff").bearer(held.staffToken()).send().expect(401, "invalid_token");
    }

    @Test
    void reactivateThenEveryKeySessionAndTokenWorksAgainAsItWas() {
        Held held = held();
        var tenant = held.tenant();
        Fixtures.status(api, tenant.id(), "suspended");
        api.get("/v1/me").as(held.shopper()).send().expect(403, SUSPENDED);

        Fixtures.status(api, tenant.id(), "active");

        assertEveryCredentialWorks(held);
        api.post("/v1/auth/refresh").key(tenant.pk()).body(Map.of("refresh_token", held.shopper().refreshToken()))
                .send().expect(200);
        StaffFixtures.login(api, held.shop().id(), held.shop().ownerEmail(), held.shop().ownerPassword()).expect(200);
        var customer = api.get("/v1/admin/customers/" + held.shopper().customerId()).bearer(tenant.sk()).send()
                .expect(200);
        assertThat(customer.str("status")).isEqualTo("active");
    }

    @Test
    void suspendWhenAnotherTenantIsSuspendedThenThisOneIsUntouched() {
        Held held = held();
        var other = Fixtures.tenant(api);

        Fixtures.status(api, other.id(), "suspended");

        api.get("/v1/me").as(held.shopper()).send().expect(200);
        api.get("/v1/admin/customers").bearer(held.tenant().sk()).send().expect(200);
        // the suspended tenant's key is refused before any token is looked at
        api.get("/v1/me").key(other.pk()).bearer(held.shopper().accessToken()).send().expect(403, SUSPENDED);
    }
}
