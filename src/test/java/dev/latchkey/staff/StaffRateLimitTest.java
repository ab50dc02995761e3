package dev.latchkey.staff;

import dev.latchkey.testing.DedicatedServer;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StaffRateLimitTest {
    @RegisterExtension
    static final DedicatedServer own = new DedicatedServer(Map.of(
            "LATCHKEY_RATE_LIMIT_STAFF_LOGIN_PER_ACCOUNT", "3/1h",
            "LATCHKEY_RATE_LIMIT_STAFF_LOGIN_PER_IP", "off"));

    @Test
    void loginWhenAccountQuotaUsedThenRateLimitedWithRetryAfter() {
        var api = own.api();
        var shop = StaffFixtures.shop(api);
        for (int i = 0; i < 3; i++) {
            StaffFixtures.login(api, shop.id(), shop.ownerEmail(), "wrong password " + i).expect(401);
        }
        var limited = StaffFixtures.login(api, shop.id(), shop.ownerEmail(), shop.ownerPassword())
                .expect(429, "rate_limited");
        assertThat(Long.parseLong(limited.header("Retry-After"))).isPositive();
        // shoppers' login buckets are separate
        StaffFixtures.login(api, shop.id(), "someone-else@example.com", "whatever pass").expect(401);
    }

    @Test
    void loginWhenOthersSpentTheMembersBucketThenTheOwnerSettingANewPasswordLetsTheMemberIn() {
        var api = own.api();
        var shop = StaffFixtures.shop(api);
        String email = "support-" + Fixtures.uniqueEmail();
        String id = api.post("/v1/admin/staff").bearer(shop.tenant().sk())
                .body(Map.of("email", email, "password", Fixtures.PASSWORD, "role", "support")).send().expect(201)
                .str("id");
        for (int i = 0; i < 3; i++) {
            StaffFixtures.login(api, shop.id(), email, "wrong password " + i).expect(401);
        }
        StaffFixtures.login(api, shop.id(), email, Fixtures.PASSWORD).expect(429, "rate_limited");

        api.post("/v1/admin/staff/" + id + "/password").bearer(shop.tenant().sk())
                .body(Map.of("new_password", "a brand new staff passphrase")).send().expect(204);
        StaffFixtures.login(api, shop.id(), email, "a brand new staff passphrase").expect(200);
    }

    @Test
    void loginWhenFieldsAreInvalidThen422AndNoQuotaSpent() {
        var api = own.api();
        var shop = StaffFixtures.shop(api);
        for (int i = 0; i < 4; i++) {
            api.post("/v1/admin/staff/login").body(Map.of("tenant_id", shop.id(), "email", shop.ownerEmail()))
                    .send().expect(422, "validation_failed");
        }
        StaffFixtures.login(api, shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(200);
    }

    @Test
    void changeOwnPasswordWhenGuessingTheCurrentOneThenGuessesShareTheLoginBucket() {
        var api = own.api();
        var shop = StaffFixtures.shop(api);
        String token = StaffFixtures.ownerToken(api, shop);
        StaffFixtures.login(api, shop.id(), shop.ownerEmail(), "wrong password").expect(401);
        api.post("/v1/admin/staff/password").bearer(token)
                .body(Map.of("current_password", "another guess", "new_password", "lantern orchard velvet compass"))
                .send().expect(403, "invalid_credentials");

        // the owner's token logged in once and two guesses followed: the account's three tries are spent
        api.post("/v1/admin/staff/password").bearer(token)
                .body(Map.of("current_password", shop.ownerPassword(), "new_password", "lantern orchard velvet compass"))
                .send().expect(429, "rate_limited");
        StaffFixtures.login(api, shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(429, "rate_limited");
    }
}
