package dev.latchkey.ratelimit;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.DedicatedServer;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rate limits on a server of their own with low quotas. The loopback peer is a trusted proxy here, so each request can
 * name its client in X-Forwarded-For.
 */
class RateLimitTest {
    @RegisterExtension
    static final DedicatedServer OWN = new DedicatedServer(Map.of(
            "LATCHKEY_TRUSTED_PROXIES", "127.0.0.1,::1",
            "LATCHKEY_RATE_LIMIT_LOGIN_PER_IP", "3/60",
            "LATCHKEY_RATE_LIMIT_LOGIN_PER_ACCOUNT", "5/1m",
            "LATCHKEY_RATE_LIMIT_REGISTRATION_PER_IP", "2/1h",
            "LATCHKEY_RATE_LIMIT_REGISTRATION_PER_ACCOUNT", "off",
            "LATCHKEY_RATE_LIMIT_RECOVERY_PER_ACCOUNT", "2/1h",
            "LATCHKEY_RATE_LIMIT_VERIFICATION_PER_IP", "2/1h",
            "LATCHKEY_RATE_LIMIT_ANONYMOUS_PER_IP", "2/1h"));
    private final TestServer server = OWN.server();
    private final Api api = OWN.api();

    private Api.Res login(Api.Call call, String key, String email) {
        return call.key(key).body(Map.of("email", email, "password", "wrong password, of course")).send();
    }

    private Api.Res loginFrom(Fixtures.Tenant tenant, String ip, String email) {
        return login(api.post("/v1/auth/login").header("X-Forwarded-For", ip), tenant.pk(), email);
    }

    @Test
    void loginWhenIpQuotaSpentThen429WithRetryAfterAndRateLimitFields() {
        var tenant = Fixtures.tenant(api);
        for (int remaining = 2; remaining >= 0; remaining--) {
            var res = loginFrom(tenant, "203.0.113.1", Fixtures.uniqueEmail()).expect(401, "invalid_credentials");
            assertThat(res.header("RateLimit-Policy")).startsWith("\"login-ip\";q=3;w=60, \"login-account\";q=5;w=60");
            assertThat(res.header("RateLimit")).startsWith("\"login-ip\";r=" + remaining + ";t=");
        }
        var refused = loginFrom(tenant, "203.0.113.1", Fixtures.uniqueEmail()).expect(429, "rate_limited");
        assertThat(refused.header("Retry-After")).isIn("19", "20");
        assertThat(refused.header("RateLimit-Policy")).isEqualTo("\"login-ip\";q=3;w=60, \"login-account\";q=5;w=60");
        // t: until the bucket is full again, as on every answer; when to try again is Retry-After's
        assertThat(refused.header("RateLimit")).matches("\"login-ip\";r=0;t=(59|60)");
        loginFrom(tenant, "203.0.113.2", Fixtures.uniqueEmail()).expect(401, "invalid_credentials");
    }

    @Test
    void loginWhenAccountQuotaSpentFromManyIpsThen429() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        for (int i = 1; i <= 5; i++) {
            loginFrom(tenant, "198.51.100." + i, shopper.email()).expect(401);
        }
        var refused = loginFrom(tenant, "198.51.100.6", shopper.email().toUpperCase()).expect(429, "rate_limited");
        assertThat(refused.header("RateLimit")).matches("\"login-ip\";r=2;t=\\d+, \"login-account\";r=0;t=\\d+");
        assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(11, 12);
        // a full-width spelling is the same account, and so the same bucket
        String fullWidth = shopper.email().replace("@", "\uff20").replace(".com", "\uff0ecom");
        loginFrom(tenant, "198.51.100.7", fullWidth).expect(429, "rate_limited");
    }

    @Test
    void loginAnswersThenTheyTellNothingOfTheAccountsBucket() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        loginFrom(tenant, "198.51.100.20", shopper.email()).expect(401); // the shopper's own try, elsewhere

        var known = loginFrom(tenant, "198.51.100.21", shopper.email()).expect(401);
        var unknown = loginFrom(tenant, "198.51.100.22", Fixtures.uniqueEmail()).expect(401);
        assertThat(known.header("RateLimit")).isEqualTo(unknown.header("RateLimit")).doesNotContain("account");
    }

    @Test
    void loginWhenQuotaRefillsThenAllowedAgain() {
        var tenant = Fixtures.tenant(api);
        for (int i = 0; i < 3; i++) {
            loginFrom(tenant, "203.0.113.3", Fixtures.uniqueEmail()).expect(401);
        }
        loginFrom(tenant, "203.0.113.3", Fixtures.uniqueEmail()).expect(429, "rate_limited");
        server.clock.advance(Duration.ofSeconds(20));
        loginFrom(tenant, "203.0.113.3", Fixtures.uniqueEmail()).expect(401, "invalid_credentials");
        loginFrom(tenant, "203.0.113.3", Fixtures.uniqueEmail()).expect(429, "rate_limited");
    }

    @Test
    void loginWhenSuccessfulThenAnswerCarriesRateLimitFields() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        var res = api.post("/v1/auth/login").header("X-Forwarded-For", "203.0.113.4").key(tenant.pk())
                .body(Map.of("email", shopper.email(), "password", shopper.password())).send().expect(200);
        assertThat(res.header("RateLimit")).matches("\"login-ip\";r=2;t=\\d+");
    }

    @Test
    void loginWhenFieldsAreInvalidThen422AndNoQuotaSpent() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        for (int i = 0; i < 4; i++) {
            api.post("/v1/auth/login").header("X-Forwarded-For", "203.0.113.40").key(tenant.pk())
                    .body(Map.of("email", shopper.email())).send().expect(422, "validation_failed");
        }
        var res = api.post("/v1/auth/login").header("X-Forwarded-For", "203.0.113.40").key(tenant.pk())
                .body(Map.of("email", shopper.email(), "password", shopper.password())).send().expect(200);
        assertThat(res.header("RateLimit")).matches("\"login-ip\";r=2;t=\\d+");
    }

    @Test
    void registerWhenIpQuotaSpentThen429() {
        var tenant = Fixtures.tenant(api);
        for (int i = 0; i < 2; i++) {
            register(tenant, "203.0.113.5").expect(201);
        }
        var refused = register(tenant, "203.0.113.5").expect(429, "rate_limited");
        assertThat(refused.header("Retry-After")).isIn("1799", "1800");
        assertThat(refused.header("RateLimit-Policy")).isEqualTo("\"registration-ip\";q=2;w=3600");
        register(tenant, "203.0.113.6").expect(201);
    }

    @Test
    void registerWhenRefusedByValidationThenNoQuotaSpent() {
        var tenant = Fixtures.tenant(api);
        for (int i = 0; i < 3; i++) {
            api.post("/v1/customers").header("X-Forwarded-For", "203.0.113.7").key(tenant.pk())
                    .body(Map.of("email", Fixtures.uniqueEmail(), "password", "password")).send()
                    .expect(422, "validation_failed");
        }
        for (int i = 0; i < 2; i++) {
            register(tenant, "203.0.113.7").expect(201);
        }
        register(tenant, "203.0.113.7").expect(429, "rate_limited");
    }

    private Api.Res register(Fixtures.Tenant tenant, String ip) {
        return api.post("/v1/customers").header("X-Forwarded-For", ip).key(tenant.pk())
                .body(Map.of("email", Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD)).send();
    }

    @Test
    void anonymousWhenIpQuotaSpentThen429AndNoSessionStored() {
        var tenant = Fixtures.tenant(api);
        for (int remaining = 1; remaining >= 0; remaining--) {
            var res = anonymous(api.post("/v1/anonymous").header("X-Forwarded-For", "203.0.113.30"), tenant.pk())
                    .expect(201);
            assertThat(res.header("RateLimit-Policy")).isEqualTo("\"anonymous-ip\";q=2;w=3600");
            assertThat(res.header("RateLimit")).startsWith("\"anonymous-ip\";r=" + remaining + ";t=");
        }
        var refused = anonymous(api.post("/v1/anonymous").header("X-Forwarded-For", "203.0.113.30"), tenant.pk())
                .expect(429, "rate_limited");
        assertThat(refused.header("Retry-After")).isIn("1799", "1800");
        int stored = server.app.database().read(h -> h.createQuery(
                "SELECT COUNT(*) FROM sessions WHERE tenant_id = :t AND kind = 'anonymous'")
                .bind("t", tenant.id()).mapTo(Integer.class).one());
        assertThat(stored).isEqualTo(2);
        anonymous(api.post("/v1/anonymous").header("X-Forwarded-For", "203.0.113.31"), tenant.pk()).expect(201);
    }

    @Test
    void anonymousFromSecretKeyCallerThenLimitedByTheBuyerIpItNames() {
        var tenant = Fixtures.tenant(api);
        for (int i = 0; i < 3; i++) {
            var res = anonymous(api.post("/v1/anonymous"), tenant.sk()).expect(201);
            assertThat(res.header("RateLimit-Policy")).isNull();
        }
        for (int i = 0; i < 2; i++) {
            anonymous(api.post("/v1/anonymous").header("X-Buyer-Ip", "192.0.2.30"), tenant.sk()).expect(201);
        }
        anonymous(api.post("/v1/anonymous").header("X-Buyer-Ip", "192.0.2.30"), tenant.sk())
                .expect(429, "rate_limited");
        anonymous(api.post("/v1/anonymous").header("X-Buyer-Ip", "192.0.2.31"), tenant.sk()).expect(201);
        anonymous(api.post("/v1/anonymous").header("X-Buyer-Ip", "not an address"), tenant.sk())
                .expect(422, "validation_failed");
    }

    private static Api.Res anonymous(Api.Call call, String key) {
        return call.key(key).send();
    }

    @Test
    void loginWhenTenantsDifferThenBucketsAreSeparate() {
        var first = Fixtures.tenant(api);
        var second = Fixtures.tenant(api);
        for (int i = 0; i < 3; i++) {
            loginFrom(first, "203.0.113.7", Fixtures.uniqueEmail()).expect(401);
        }
        loginFrom(first, "203.0.113.7", Fixtures.uniqueEmail()).expect(429);
        loginFrom(second, "203.0.113.7", Fixtures.uniqueEmail()).expect(401, "invalid_credentials");
    }

    @Test
    void loginWhenOneIpv6ClientRotatesThroughItsSlash64ThenOneBucket() {
        var tenant = Fixtures.tenant(api);
        for (String address : new String[] {"2001:db8:5:6::1", "2001:db8:5:6::2", "2001:db8:5:6:abcd::99"}) {
            loginFrom(tenant, address, Fixtures.uniqueEmail()).expect(401);
        }
        loginFrom(tenant, "2001:db8:5:6:ffff:ffff:ffff:fffe", Fixtures.uniqueEmail()).expect(429, "rate_limited");
        login(api.post("/v1/auth/login").header("X-Buyer-Ip", "2001:db8:5:6::7"), tenant.sk(), Fixtures.uniqueEmail())
                .expect(429, "rate_limited");
        loginFrom(tenant, "2001:db8:5:7::1", Fixtures.uniqueEmail()).expect(401, "invalid_credentials");
        // IPv4 clients translated by NAT64 share its prefix: each of them is counted on its own
        for (int i = 0; i < 3; i++) {
            loginFrom(tenant, "64:ff9b::198.51.100.50", Fixtures.uniqueEmail()).expect(401);
        }
        loginFrom(tenant, "64:ff9b::198.51.100.51", Fixtures.uniqueEmail()).expect(401, "invalid_credentials");
    }

    @Test
    void loginWhenSecretKeyCallerNamesNoBuyerThenItsOwnIpIsNotLimited() {
        var tenant = Fixtures.tenant(api);
        for (int i = 0; i < 6; i++) {
            var res = login(api.post("/v1/auth/login"), tenant.sk(), Fixtures.uniqueEmail()).expect(401);
            assertThat(res.header("RateLimit-Policy")).isEqualTo("\"login-account\";q=5;w=60");
        }
    }

    @Test
    void loginWhenSecretKeyCallerNamesBuyerIpThenThatIpIsLimited() {
        var tenant = Fixtures.tenant(api);
        for (int i = 0; i < 3; i++) {
            login(api.post("/v1/auth/login").header("X-Buyer-Ip", "192.0.2.10"), tenant.sk(), Fixtures.uniqueEmail())
                    .expect(401);
        }
        login(api.post("/v1/auth/login").header("X-Buyer-Ip", "192.0.2.10"), tenant.sk(), Fixtures.uniqueEmail())
                .expect(429, "rate_limited");
        login(api.post("/v1/auth/login").header("X-Buyer-Ip", "2001:db8::10"), tenant.sk(), Fixtures.uniqueEmail())
                .expect(401, "invalid_credentials");
    }

    @Test
    void loginWhenBuyerIpIsNotAnAddressThen422() {
        var tenant = Fixtures.tenant(api);
        var res = login(api.post("/v1/auth/login").header("X-Buyer-Ip", "shop.example.com"), tenant.sk(),
                Fixtures.uniqueEmail()).expect(422, "validation_failed");
        assertThat(res.body().path("errors").get(0).path("field").asText()).isEqualTo("X-Buyer-Ip");
    }

    @Test
    void loginWhenPublishableKeyCallerSendsBuyerIpThenItIsIgnored() {
        var tenant = Fixtures.tenant(api);
        for (int i = 0; i < 3; i++) {
            login(api.post("/v1/auth/login").header("X-Forwarded-For", "203.0.113.8")
                    .header("X-Buyer-Ip", "192.0.2." + i), tenant.pk(), Fixtures.uniqueEmail()).expect(401);
        }
        login(api.post("/v1/auth/login").header("X-Forwarded-For", "203.0.113.8").header("X-Buyer-Ip", "192.0.2.99"),
                tenant.pk(), Fixtures.uniqueEmail()).expect(429, "rate_limited");
    }

    @Test
    void loginWhenForgedHopsLeftOfTheProxyVaryThenTheClientIsStillTheSame() {
        var tenant = Fixtures.tenant(api);
        for (int i = 0; i < 3; i++) {
            loginFrom(tenant, "10.66.0." + i + ", 203.0.113.9", Fixtures.uniqueEmail()).expect(401);
        }
        loginFrom(tenant, "10.66.0.99, 203.0.113.9", Fixtures.uniqueEmail()).expect(429, "rate_limited");
    }

    @Test
    void loginThroughTrustedProxyThenSessionAndAuditRecordTheForwardedClient() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        api.post("/v1/auth/login").header("X-Forwarded-For", "2001:db8:0:0::42").header("User-Agent", "RateLimitTest/1")
                .key(tenant.pk()).body(Map.of("email", shopper.email(), "password", shopper.password()))
                .send().expect(200);
        var event = api.get("/v1/admin/audit?type=login.succeeded&customer_id=" + shopper.customerId())
                .bearer(tenant.sk()).send().expect(200).body().path("data").get(0);
        assertThat(event.path("ip").asText()).isEqualTo("2001:db8::42");
        assertThat(event.path("user_agent").asText()).isEqualTo("RateLimitTest/1");
    }

    @Test
    void loginFromAllowedOriginThenBrowserMayReadTheRateLimitFields() {
        var tenant = Fixtures.tenant(api, Map.of("allowed_origins", java.util.List.of("https://shop.example.com")));
        var res = login(api.post("/v1/auth/login").header("X-Forwarded-For", "203.0.113.10")
                .header("Origin", "https://shop.example.com"), tenant.pk(), Fixtures.uniqueEmail()).expect(401);
        assertThat(res.header("Access-Control-Expose-Headers")).contains("Retry-After", "RateLimit", "RateLimit-Policy",
                "WWW-Authenticate");
    }

    @Test
    void logoutWhenSecretKeyCallerSendsMalformedBuyerIpThenStillLoggedOutAndCallerIpRecorded() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        api.post("/v1/auth/logout").key(tenant.sk()).bearer(shopper.accessToken()).header("X-Buyer-Ip", "nonsense")
                .send().expect(204);
        var event = api.get("/v1/admin/audit?type=session.revoked").bearer(tenant.sk()).send().expect(200)
                .body().path("data").get(0);
        assertThat(event.path("ip").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    void forgotWhenAccountQuotaSpentThen429WhateverTheIp() {
        var tenant = Fixtures.tenant(api);
        String email = Fixtures.uniqueEmail();
        // a link to a foreign site is refused before anything is looked at, so it spends none of the quota
        for (String field : new String[] {"redirect_url", "verification_url", "redirect_url"}) {
            String path = field.equals("redirect_url") ? "/v1/auth/password/forgot" : "/v1/auth/verify-email/resend";
            api.post(path).key(tenant.pk()).body(Map.of("email", email, field, "https://evil.example.net/x")).send()
                    .expect(422, "redirect_not_allowed");
        }
        for (int i = 1; i <= 2; i++) {
            api.post("/v1/auth/password/forgot").header("X-Forwarded-For", "192.0.2." + i).key(tenant.pk())
                    .body(Map.of("email", email)).send().expect(202);
        }
        var refused = api.post("/v1/auth/password/forgot").header("X-Forwarded-For", "192.0.2.9").key(tenant.pk())
                .body(Map.of("email", email)).send().expect(429, "rate_limited");
        assertThat(refused.header("Retry-After")).isNotBlank();
        api.post("/v1/auth/verify-email/resend").header("X-Forwarded-For", "192.0.2.9").key(tenant.pk())
                .body(Map.of("email", email)).send().expect(429, "rate_limited");
    }

    @Test
    void deleteMeWhenAccountMailQuotaSpentThen429AndForgotSharesTheBucket() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        for (int i = 1; i <= 2; i++) {
            var res = api.delete("/v1/me").header("X-Forwarded-For", "192.0.2." + (20 + i)).as(shopper).send()
                    .expect(202);
            assertThat(res.header("RateLimit-Policy")).endsWith("\"recovery-account\";q=2;w=3600");
        }
        var refused = api.delete("/v1/me").header("X-Forwarded-For", "192.0.2.29").as(shopper).send()
                .expect(429, "rate_limited");
        assertThat(refused.header("Retry-After")).isNotBlank();
        assertThat(refused.header("RateLimit"))
                .matches("\"recovery-ip\";r=\\d+;t=\\d+, \"recovery-account\";r=0;t=\\d+");
        // one bucket for every mail a shopper can have sent to their address
        api.post("/v1/auth/password/forgot").header("X-Forwarded-For", "192.0.2.29").key(tenant.pk())
                .body(Map.of("email", shopper.email())).send().expect(429, "rate_limited");
        api.delete("/v1/me").key(tenant.sk()).bearer(shopper.accessToken()).header("X-Buyer-Ip", "nonsense")
                .send().expect(422, "validation_failed");
    }

    @Test
    void deleteMeWhenTenantErasesAtOnceThenNoMailAndNotLimited() {
        var tenant = Fixtures.tenant(api, Map.of("deletion_requires_confirmation", false));
        var shopper = Fixtures.shopper(api, tenant);
        for (int i = 0; i < 2; i++) {
            api.post("/v1/auth/password/forgot").key(tenant.pk()).body(Map.of("email", shopper.email())).send()
                    .expect(202);
        }
        var res = api.delete("/v1/me").as(shopper).send().expect(204);
        assertThat(res.header("RateLimit-Policy")).isNull();
    }

    @Test
    void deleteMeConfirmationWhenTokensGuessedThen429AndAccountKept() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        for (int i = 0; i < 2; i++) {
            var res = api.delete("/v1/me?token=dt_guess" + i).header("X-Forwarded-For", "192.0.2.78").as(shopper)
                    .send().expect(400, "invalid_token");
            assertThat(res.header("RateLimit-Policy")).startsWith("\"verification-ip\";q=2;w=3600");
        }
        api.delete("/v1/me?token=dt_guess").header("X-Forwarded-For", "192.0.2.78").as(shopper).send()
                .expect(429, "rate_limited");
        api.get("/v1/me").as(shopper).send().expect(200);
    }

    @Test
    void emailedTokenGuessingWhenIpQuotaSpentThen429() {
        var tenant = Fixtures.tenant(api);
        for (int i = 0; i < 2; i++) {
            api.post("/v1/auth/verify-email").header("X-Forwarded-For", "192.0.2.77").key(tenant.pk())
                    .body(Map.of("token", "et_guess" + i)).send().expect(400, "invalid_token");
        }
        api.post("/v1/auth/password/reset").header("X-Forwarded-For", "192.0.2.77").key(tenant.pk())
                .body(Map.of("token", "et_guess", "new_password", "a perfectly fine passphrase"))
                .send().expect(429, "rate_limited");
    }
}
