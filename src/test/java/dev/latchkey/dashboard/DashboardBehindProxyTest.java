package dev.latchkey.dashboard;

import dev.latchkey.testing.DedicatedServer;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard behind a TLS-terminating proxy the operator trusts, with a small staff login quota. */
class DashboardBehindProxyTest {
    @RegisterExtension
    static final DedicatedServer own = new DedicatedServer(Map.of(
            "LATCHKEY_TRUSTED_PROXIES", "127.0.0.1,::1",
            "LATCHKEY_RATE_LIMIT_STAFF_LOGIN_PER_ACCOUNT", "3/1h"));

    private DashboardClient browser() {
        return new DashboardClient(own.api().baseUrl());
    }

    @Test
    void loginWhenTrustedProxySaysHttpsThenCookiesSecure() {
        var shop = StaffFixtures.shop(own.api());
        var client = browser().header("X-Forwarded-Proto", "https");
        var form = client.get("/dashboard/login").expect(200);
        assertThat(form.cookies()).isNotEmpty().allSatisfy(c -> assertThat(c).startsWith("__Host-")
                .contains("; Path=/;").contains("; Secure"));
        var answer = client.submit(form, "/dashboard/login", Map.of("tenant_id", shop.id(),
                "email", shop.ownerEmail(), "password", shop.ownerPassword())).expectRedirect("/dashboard/customers");
        assertThat(answer.cookies()).anySatisfy(c -> assertThat(c).startsWith("__Host-latchkey_dashboard=dsh_")
                .contains("; Path=/;").contains("HttpOnly").contains("SameSite=Strict").contains("; Secure"));
        client.get("/dashboard/customers").expect(200);
        var plain = browser();
        plain.login(shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(303);
        assertThat(plain.cookies()).containsKey("latchkey_dashboard").doesNotContainKey("__Host-latchkey_dashboard");
    }

    @Test
    void cookiesWhenHttpsAndPlantedWithoutTheHostPrefixThenIgnored() {
        var shop = StaffFixtures.shop(own.api());
        // what a sibling subdomain can set: cookies without the prefix, a session and a login token it knows
        var planter = browser();
        var plantedForm = planter.get("/dashboard/login").expect(200);
        planter.login(shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(303);
        String plantedSession = planter.cookies().get("latchkey_dashboard");
        String plantedCsrf = plantedForm.cookies().stream().filter(c -> c.startsWith("latchkey_login_csrf="))
                .findFirst().orElseThrow().split(";", 2)[0].substring("latchkey_login_csrf=".length());

        var victim = browser().header("X-Forwarded-Proto", "https");
        victim.cookies().put("latchkey_dashboard", plantedSession);
        victim.get("/dashboard/customers").expectRedirect("/dashboard/login");
        victim.cookies().put("latchkey_login_csrf", plantedCsrf);
        var refused = victim.post("/dashboard/login", Map.of("tenant_id", shop.id(), "email", shop.ownerEmail(),
                "password", shop.ownerPassword(), "_csrf", plantedCsrf)).expect(403);
        assertThat(refused.cookies()).noneMatch(c -> c.contains("latchkey_dashboard=dsh_"));
    }

    @Test
    void loginWhenForwardedProtoHasAnEmptyFirstValueThenPlainCookiesNotAnErrorPage() {
        var shop = StaffFixtures.shop(own.api());
        for (String proto : new String[] {",", ",,https"}) {
            var client = browser().header("X-Forwarded-Proto", proto);
            var form = client.get("/dashboard/login").expect(200);
            assertThat(form.cookies()).isNotEmpty().allSatisfy(c -> assertThat(c).doesNotContain("; Secure"));
            client.submit(form, "/dashboard/login", Map.of("tenant_id", shop.id(), "email", shop.ownerEmail(),
                    "password", shop.ownerPassword())).expectRedirect("/dashboard/customers");
        }
    }

    @Test
    void loginWhenAccountQuotaUsedThenTooManyAttemptsPage() {
        var shop = StaffFixtures.shop(own.api());
        var client = browser();
        for (int i = 0; i < 3; i++) {
            client.login(shop.id(), shop.ownerEmail(), "wrong password " + i).expect(401);
        }
        var limited = client.login(shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(429);
        assertThat(Long.parseLong(limited.header("Retry-After"))).isPositive();
        assertThat(limited.html()).contains("Too many attempts");
        assertThat(client.cookies()).doesNotContainKey("latchkey_dashboard");
        // the API login shares the staff account's bucket
        StaffFixtures.login(own.api(), shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(429, "rate_limited");
    }

    @Test
    void confirmWhenGuessingThePasswordThenGuessesShareTheLoginBucket() {
        var shop = StaffFixtures.shop(own.api());
        var client = browser();
        client.login(shop.id(), shop.ownerEmail(), shop.ownerPassword()).expectRedirect("/dashboard/customers");
        client.confirm("staff", "wrong password 1").expect(403);
        client.confirm("api-keys", "wrong password 2").expect(403);

        // the login and two guesses spent the account's three tries
        var limited = client.confirm("staff", shop.ownerPassword()).expect(429);

        assertThat(limited.html()).contains("Too many attempts");
        assertThat(client.get("/dashboard/staff").expect(200).html()).contains("Confirm your password");
    }
}
