package dev.latchkey.ratelimit;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.DedicatedServer;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

/**
 * Anyone can empty an account's buckets by trying its address; what proves or grants access gives them back. The
 * windows are an hour long, so that no bucket refills by itself while a test runs. The loopback peer is a trusted
 * proxy, so each request names its client in X-Forwarded-For.
 */
class AccountBucketRestoreTest {
    @RegisterExtension
    static final DedicatedServer OWN = new DedicatedServer(Map.of(
            "LATCHKEY_TRUSTED_PROXIES", "127.0.0.1,::1",
            "LATCHKEY_RATE_LIMIT_LOGIN_PER_IP", "off",
            "LATCHKEY_RATE_LIMIT_LOGIN_PER_ACCOUNT", "5/1h",
            "LATCHKEY_RATE_LIMIT_RECOVERY_PER_IP", "off",
            "LATCHKEY_RATE_LIMIT_RECOVERY_PER_ACCOUNT", "2/1h",
            "LATCHKEY_RATE_LIMIT_VERIFICATION_PER_IP", "off",
            "LATCHKEY_DEV_MAILBOX", "true"));
    private final Api api = OWN.api();

    @Test
    void loginWhenOthersSpentTheAccountsBucketsThenTheMerchantsUnlockOrAPasswordResetLetsTheOwnerIn() throws Exception {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        spendAccountBucket(tenant, shopper.email(), 10, 5);
        loginFrom(tenant, "198.51.100.20", shopper.email(), shopper.password()).expect(429, "rate_limited");
        for (int i = 0; i < 2; i++) { // 2 an hour
            forgot(tenant, "198.51.100." + (60 + i), shopper.email()).expect(202);
        }
        forgot(tenant, "198.51.100.63", shopper.email()).expect(429, "rate_limited");

        api.delete("/v1/admin/customers/" + shopper.customerId() + "/lockout").bearer(tenant.sk()).send().expect(204);
        loginFrom(tenant, "198.51.100.21", shopper.email(), shopper.password()).expect(200);
        forgot(tenant, "198.51.100.64", shopper.email()).expect(202);

        spendAccountBucket(tenant, shopper.email(), 30, 4); // the login above took one
        loginFrom(tenant, "198.51.100.22", shopper.email(), shopper.password()).expect(429, "rate_limited");
        forgot(tenant, "198.51.100.23", shopper.email()).expect(202);
        String token = awaitResetToken(shopper.email());
        api.post("/v1/auth/password/reset").header("X-Forwarded-For", "198.51.100.24").key(tenant.pk())
                .body(Map.of("token", token, "new_password", "an entirely new passphrase")).send().expect(200);
        loginFrom(tenant, "198.51.100.25", shopper.email(), "an entirely new passphrase").expect(200);
    }

    /** Wrong passwords from {@code left} addresses, what is left in the account's bucket (5 an hour here). */
    private void spendAccountBucket(Fixtures.Tenant tenant, String email, int firstHost, int left) {
        for (int host = firstHost; host < firstHost + left; host++) {
            loginFrom(tenant, "198.51.100." + host, email, "not the password").expect(401, "invalid_credentials");
        }
    }

    private Api.Res forgot(Fixtures.Tenant tenant, String ip, String email) {
        return api.post("/v1/auth/password/forgot").header("X-Forwarded-For", ip).key(tenant.pk())
                .body(Map.of("email", email)).send();
    }

    private Api.Res loginFrom(Fixtures.Tenant tenant, String ip, String email, String password) {
        return api.post("/v1/auth/login").header("X-Forwarded-For", ip).key(tenant.pk())
                .body(Map.of("email", email, "password", password)).send();
    }

    private String awaitResetToken(String email) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            for (var mail : api.get("/dev/mailbox?to=" + email).send().expect(200).body().path("data")) {
                if (mail.path("template").asText().equals("password_reset")) {
                    return mail.path("token").asText();
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no reset mail to " + email);
    }
}
