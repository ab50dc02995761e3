package dev.latchkey.staff;

import dev.latchkey.testing.DedicatedServer;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** One client IP has one staff-login budget, whichever shop each attempt names, real or not. */
class StaffLoginIpLimitTest {
    @RegisterExtension
    static final DedicatedServer own = new DedicatedServer(Map.of(
            "LATCHKEY_RATE_LIMIT_STAFF_LOGIN_PER_IP", "3/1h",
            "LATCHKEY_RATE_LIMIT_STAFF_LOGIN_PER_ACCOUNT", "off"));

    @Test
    void loginWhenAttemptsNameOtherShopsThenTheyShareTheAddressesBudget() {
        var api = own.api();
        var first = StaffFixtures.shop(api);
        var second = StaffFixtures.shop(api);
        StaffFixtures.login(api, first.id(), first.ownerEmail(), "wrong password").expect(401);
        StaffFixtures.login(api, second.id(), second.ownerEmail(), "wrong password").expect(401);
        StaffFixtures.login(api, "no-such-shop", "anyone@example.com", "wrong password").expect(401);

        var limited = StaffFixtures.login(api, first.id(), first.ownerEmail(), first.ownerPassword())
                .expect(429, "rate_limited");
        assertThat(limited.header("RateLimit-Policy")).contains("\"staff-login-ip\";q=3");
        StaffFixtures.login(api, "another-missing-shop", "anyone@example.com", "wrong password")
                .expect(429, "rate_limited");
        // shoppers' logins keep their own buckets
        api.post("/v1/auth/login").key(first.tenant().pk()).body(Map.of("email", "shopper@example.com", "password", "pw pw pw"))
                .send().expect(401, "invalid_credentials");
    }
}
