package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.staff.StaffSessions;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tenant setting {@code require_staff_mfa}: who may change it, the staff API login's 403
 * {@code mfa_setup_required} after the right password, API sessions of members without a second factor refused, the
 * dashboard session that serves only the set-up and the logout until the member sets it up, an owner's reset, and
 * turning it off again.
 */
class StaffMfaRequiredTest extends ApiTest {
    private static final String SETUP = "/dashboard/security";
    private static final Pattern SECRET = Pattern.compile("id=\"totp-secret\">([A-Z2-7]+)<");

    private void require(StaffFixtures.Shop shop, boolean on) {
        assertThat(api.patch("/v1/admin/settings").bearer(shop.tenant().sk()).body(Map.of("require_staff_mfa", on))
                .send().expect(200).body().path("require_staff_mfa").asBoolean()).isEqualTo(on);
    }

    /** A dashboard login of a member without a second factor while the shop requires one: led to the set-up. */
    private DashboardClient ledToSetUp(String tenantId, String email, String password) {
        var client = new DashboardClient(api.baseUrl());
        client.login(tenantId, email, password).expectRedirect(SETUP);
        return client;
    }

    /** Sets up the authenticator in a session led to the set-up; returns its secret. */
    private String setUp(DashboardClient client) {
        var page = client.get(SETUP).expect(200);
        assertThat(page.html()).contains("id=\"setup-required\"").contains("Set up an authenticator app");
        var started = client.submit(page, SETUP + "/totp", Map.of()).expect(200);
        Matcher secret = SECRET.matcher(started.html());
        assertThat(secret.find()).isTrue();
        var done = client.submit(started, SETUP + "/totp/confirm",
                Map.of("code", StaffTwoStep.code(server, secret.group(1)))).expect(200);
        assertThat(StaffTwoStep.recoveryCodes(done)).hasSize(10);
        // the answer to the set-up already leads everywhere
        assertThat(done.html()).doesNotContain("id=\"setup-required\"").contains("href=\"/dashboard/customers\"");
        return secret.group(1);
    }

    @Test
    void settingWhenWrongTypeOrSupportThenRefusedAndAnOwnerWithoutSecondFactorMayTurnItOn() {
        var shop = StaffFixtures.shop(api);
        assertThat(api.get("/v1/admin/settings").bearer(shop.tenant().sk()).send().expect(200).body()
                .path("require_staff_mfa").asBoolean()).isFalse();
        for (String bad : List.of("{\"require_staff_mfa\":\"yes\"}", "{\"require_staff_mfa\":1}",
                "{\"require_staff_mfa\":null}", "{\"require_staff_mfa\":[true]}")) {
            var refused = api.patch("/v1/admin/settings").bearer(shop.tenant().sk()).body(bad).send()
                    .expect(422, "validation_failed");
            assertThat(refused.body().path("errors").get(0).path("field").asText()).isEqualTo("require_staff_mfa");
            assertThat(refused.body().path("errors").get(0).path("code").asText()).isEqualTo("invalid_type");
        }
        api.post("/v1/platform/tenants").bearer(dev.latchkey.testing.TestServer.PLATFORM_TOKEN)
                .body(Map.of("id", Fixtures.uniqueId("t"), "name", "Shop", "settings", Map.of("require_staff_mfa", "on")))
                .send().expect(422, "validation_failed");

        String support = StaffFixtures.supportToken(api, shop);
        api.patch("/v1/admin/settings").bearer(support).body(Map.of("require_staff_mfa", true)).send()
                .expect(403, "insufficient_scope");
        String owner = StaffFixtures.ownerToken(api, shop);
        assertThat(api.patch("/v1/admin/settings").bearer(owner).body(Map.of("require_staff_mfa", true)).send()
                .expect(200).body().path("require_staff_mfa").asBoolean()).isTrue();
        JsonNode changed = StaffFixtures.events(api, shop, "settings.changed").get(0);
        assertThat(changed.path("data").path("changed").toString()).isEqualTo("[\"require_staff_mfa\"]");
        assertThat(changed.path("staff_id").asText()).isEqualTo(shop.ownerId());

        // sessions opened before, of members without a second factor, do nothing more but log out
        api.get("/v1/admin/settings").bearer(owner).send().expect(403, "mfa_setup_required");
        api.get("/v1/admin/customers").bearer(support).send().expect(403, "mfa_setup_required");
        api.post("/v1/admin/staff/password").bearer(support)
                .body(Map.of("current_password", Fixtures.PASSWORD, "new_password", "a new phrase for support 42"))
                .send().expect(403, "mfa_setup_required");
        api.post("/v1/admin/staff/logout").bearer(support).send().expect(204);
        api.get("/v1/admin/customers").bearer(support).send().expect(401, "invalid_token");
        // the secret key is no staff member
        api.get("/v1/admin/staff").bearer(shop.tenant().sk()).send().expect(200);

        require(shop, false);
        api.get("/v1/admin/settings").bearer(owner).send().expect(200);
    }

    @Test
    void apiLoginWhenRequiredThenRefusedWithItsCodeOnlyAfterTheRightPassword() {
        var shop = StaffFixtures.shop(api, Map.of("require_staff_mfa", true));
        StaffFixtures.login(api, shop.id(), shop.ownerEmail(), "not the password at all").expect(401,
                "invalid_credentials");
        StaffFixtures.login(api, shop.id(), "nobody-" + shop.ownerEmail(), shop.ownerPassword())
                .expect(401, "invalid_credentials");
        var refused = StaffFixtures.login(api, shop.id(), shop.ownerEmail(), shop.ownerPassword())
                .expect(403, "mfa_setup_required");
        assertThat(refused.body().has("access_token")).isFalse();
        assertThat(refused.str("detail")).contains("dashboard");
        assertThat(StaffFixtures.events(api, shop, "staff.login_failed").get(0).path("data").path("reason").asText())
                .isEqualTo("mfa_setup_required");
        assertThat(StaffFixtures.events(api, shop, "staff.login_succeeded")).isEmpty();

        // set up on the dashboard, the API login asks for the code as for anyone with a second factor
        String secret = setUp(ledToSetUp(shop.id(), shop.ownerEmail(), shop.ownerPassword()));
        String mfaToken = StaffFixtures.login(api, shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(200)
                .str("mfa_token");
        String token = api.post("/v1/admin/staff/login/mfa").body(Map.of("tenant_id", shop.id(), "mfa_token", mfaToken,
                "code", StaffTwoStep.code(server, secret))).send().expect(200).str("access_token");
        api.get("/v1/admin/settings").bearer(token).send().expect(200);

        // turned off: a member without a second factor logs in with the password alone again
        String email = StaffFixtures.addStaff(api, shop, "support");
        StaffFixtures.login(api, shop.id(), email, Fixtures.PASSWORD).expect(403, "mfa_setup_required");
        require(shop, false);
        String plain = StaffFixtures.login(api, shop.id(), email, Fixtures.PASSWORD).expect(200).str("access_token");
        api.get("/v1/admin/customers").bearer(plain).send().expect(200);
        new DashboardClient(api.baseUrl()).login(shop.id(), email, Fixtures.PASSWORD)
                .expectRedirect("/dashboard/customers");
    }

    @Test
    void dashboardWhenRequiredThenOnlyTheSetUpAndTheLogoutServeUntilItIsDone() {
        var shop = StaffFixtures.shop(api, Map.of("require_staff_mfa", true));
        String customer = Fixtures.shopper(api, shop.tenant()).customerId();
        var client = ledToSetUp(shop.id(), shop.ownerEmail(), shop.ownerPassword());
        var page = client.get(SETUP).expect(200);
        // no navigation to any other page, the logout form only
        assertThat(page.html()).contains("id=\"setup-required\"").contains("action=\"/dashboard/logout\"")
                .doesNotContain("href=\"/dashboard/customers\"").doesNotContain("href=\"/dashboard/settings\"");
        assertThat(StaffFixtures.events(api, shop, "staff.login_succeeded").get(0).path("data")
                .path("mfa_setup_required").asBoolean()).isTrue();

        for (String path : List.of("/dashboard/customers", "/dashboard/customers?q=a", "/dashboard/customers/" + customer,
                "/dashboard/customers/export", "/dashboard/customers/" + customer + "/export", "/dashboard/settings",
                "/dashboard/api-keys", "/dashboard/webhooks", "/dashboard/webhooks/wh_unknown", "/dashboard/staff",
                "/dashboard/account", "/dashboard/mail-templates/login_code/en")) {
            client.get(path).expectRedirect(SETUP);
        }
        client.get("/dashboard").expectRedirect("/dashboard/customers");
        client.get("/dashboard/login").expectRedirect("/dashboard/customers");
        client.get("/dashboard/static/dashboard.css").expect(200);

        Map<String, Map<String, String>> forms = new HashMap<>();
        forms.put("/dashboard/settings", Map.of("require_staff_mfa", "", "shown.require_staff_mfa", "on"));
        forms.put("/dashboard/account/password", Map.of("current_password", shop.ownerPassword(),
                "new_password", "the owner's new pass phrase 7"));
        forms.put("/dashboard/staff", Map.of("email", "new-" + Fixtures.uniqueEmail(),
                "password", Fixtures.PASSWORD, "role", "owner"));
        forms.put("/dashboard/staff/" + shop.ownerId() + "/role", Map.of("role", "support"));
        forms.put("/dashboard/api-keys", Map.of("kind", "secret"));
        forms.put("/dashboard/mail-templates/login_code/en", Map.of("subject", "Your code", "text", "{{token}}",
                "html", "{{token}}"));
        forms.put("/dashboard/webhooks", Map.of("url", "https://hooks.example.com/x", "events", "*"));
        forms.put("/dashboard/customers/" + customer + "/status", Map.of("status", "disabled"));
        forms.put("/dashboard/customers/" + customer + "/delete", Map.of());
        forms.put("/dashboard/customers/" + customer + "/sessions/revoke-all", Map.of());
        forms.put(SETUP + "/disable", Map.of("password", shop.ownerPassword(), "code", "123456"));
        forms.put(SETUP + "/recovery-codes", Map.of("password", shop.ownerPassword(), "code", "123456"));
        forms.put("/dashboard/confirm", Map.of("next", "staff", "password", shop.ownerPassword()));
        forms.forEach((path, form) -> client.submit(page, path, form).expectRedirect(SETUP));
        // nothing of it was done
        JsonNode settings = api.get("/v1/admin/settings").bearer(shop.tenant().sk()).send().expect(200).body();
        assertThat(settings.path("require_staff_mfa").asBoolean()).isTrue();
        assertThat(api.get("/v1/admin/staff").bearer(shop.tenant().sk()).send().expect(200).body().path("data"))
                .singleElement().satisfies(m -> assertThat(m.path("role").asText()).isEqualTo("owner"));
        assertThat(api.get("/v1/admin/customers/" + customer).bearer(shop.tenant().sk()).send().expect(200)
                .str("status")).isEqualTo("active");
        assertThat(api.get("/v1/admin/webhooks").bearer(shop.tenant().sk()).send().expect(200).body().path("data"))
                .isEmpty();
        assertThat(StaffFixtures.events(api, shop, "staff.password_changed")).isEmpty();
        assertThat(api.get("/v1/admin/mail-templates").bearer(shop.tenant().sk()).send().expect(200).body()
                .path("data")).isEmpty();
        // the set-up's own confirmation serves (its 10 minutes may run out while the member finds their phone)
        client.submit(page, "/dashboard/confirm", Map.of("next", "security", "password", shop.ownerPassword()))
                .expectRedirect(SETUP);

        setUp(client);
        client.get("/dashboard/customers").expect(200);
        client.get("/dashboard/customers/" + customer).expect(200);
        client.get("/dashboard/settings").expect(200);
        assertThat(StaffFixtures.member(api, shop, shop.ownerEmail()).path("mfa_enabled").asBoolean()).isTrue();
    }

    @Test
    void logoutWhenLedToTheSetUpThenTheSessionEnds() {
        var shop = StaffFixtures.shop(api, Map.of("require_staff_mfa", true));
        var client = ledToSetUp(shop.id(), shop.ownerEmail(), shop.ownerPassword());
        var page = client.get(SETUP).expect(200);
        client.submit(page, "/dashboard/logout", Map.of()).expectRedirect("/dashboard/login?notice=logged_out");
        client.get(SETUP).expectRedirect("/dashboard/login");
        // the forms of the set-up want the session's CSRF token too
        var other = ledToSetUp(shop.id(), shop.ownerEmail(), shop.ownerPassword());
        other.post(SETUP + "/totp", Map.of()).expect(403);
    }

    @Test
    void resetWhenRequiredThenTheMemberIsLedToTheSetUpAgainAndTurningItOffEndsThat() {
        var shop = StaffFixtures.shop(api);
        String email = StaffFixtures.addStaff(api, shop, "support");
        var member = StaffTwoStep.loggedIn(api.baseUrl(), shop.id(), email, Fixtures.PASSWORD);
        StaffTwoStep.enrol(server, member, Fixtures.PASSWORD);
        member.get("/dashboard/customers").expect(200);
        require(shop, true);
        member.get("/dashboard/customers").expect(200);
        String memberId = StaffFixtures.member(api, shop, email).path("id").asText();

        api.delete("/v1/admin/staff/" + memberId + "/mfa").bearer(shop.tenant().sk()).send().expect(204);
        // the session the member has now serves the set-up only, and so does a new login; the API refuses them
        member.get("/dashboard/customers").expectRedirect(SETUP);
        StaffFixtures.login(api, shop.id(), email, Fixtures.PASSWORD).expect(403, "mfa_setup_required");
        var again = ledToSetUp(shop.id(), email, Fixtures.PASSWORD);

        require(shop, false);
        member.get("/dashboard/customers").expect(200);
        again.get("/dashboard/customers").expect(200);
        StaffFixtures.login(api, shop.id(), email, Fixtures.PASSWORD).expect(200);
    }

    @Test
    void ownSecondFactorWhenTurnedOffWhileRequiredThenRefusedAndItStaysUntilTheSettingIsOff() {
        var shop = StaffFixtures.shop(api);
        var owner = StaffTwoStep.loggedIn(api.baseUrl(), shop.id(), shop.ownerEmail(), shop.ownerPassword());
        var enrolled = StaffTwoStep.enrol(server, owner, shop.ownerPassword());
        require(shop, true);
        var page = owner.get(SETUP).expect(200);
        assertThat(page.html()).doesNotContain("id=\"setup-required\"").contains("id=\"disable-refused\"")
                .doesNotContain("action=\"/dashboard/security/disable\"");
        var refused = owner.submit(page, SETUP + "/disable", Map.of("password", shop.ownerPassword(),
                "code", StaffTwoStep.code(server, enrolled.secret()))).expect(409);
        assertThat(refused.html()).contains("id=\"security-error\"").contains("requires two-step sign-in of its staff")
                .contains("Two-step sign-in is on");
        // nothing was checked nor spent, and the second factor is kept: the session and a new login go on with it
        assertThat(StaffFixtures.member(api, shop, shop.ownerEmail()).path("mfa_enabled").asBoolean()).isTrue();
        assertThat(StaffFixtures.events(api, shop, "staff.mfa_disabled")).isEmpty();
        assertThat(StaffFixtures.events(api, shop, "staff.mfa_check_failed")).isEmpty();
        assertThat(owner.get(SETUP).expect(200).html()).containsPattern("Unused recovery codes:\\s+10\\.");
        owner.get("/dashboard/customers").expect(200);
        assertThat(StaffFixtures.login(api, shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(200)
                .str("next_step")).isEqualTo("mfa");

        // not required any more: the member turns it off as before
        require(shop, false);
        page = owner.get(SETUP).expect(200);
        assertThat(page.html()).doesNotContain("id=\"disable-refused\"");
        owner.submit(page, SETUP + "/disable", Map.of("password", shop.ownerPassword(),
                "code", StaffTwoStep.code(server, enrolled.secret()))).expectRedirect(SETUP + "?notice=own_mfa_disabled");
        assertThat(StaffFixtures.member(api, shop, shop.ownerEmail()).path("mfa_enabled").asBoolean()).isFalse();
        assertThat(StaffFixtures.events(api, shop, "staff.mfa_disabled")).hasSize(1);
    }

    @Test
    void staffAndSettingsPagesWhenRequiredThenShowTheSwitchAndWhoHasNoSecondFactorYet() {
        var shop = StaffFixtures.shop(api);
        String email = StaffFixtures.addStaff(api, shop, "support");
        var owner = StaffTwoStep.loggedIn(api.baseUrl(), shop.id(), shop.ownerEmail(), shop.ownerPassword());
        StaffTwoStep.enrol(server, owner, shop.ownerPassword());
        var settings = owner.get("/dashboard/settings").expect(200);
        assertThat(settings.html()).contains("name=\"require_staff_mfa\"")
                .contains("Every staff member must use two-step sign-in");
        assertThat(owner.get("/dashboard/staff").expect(200).html()).doesNotContain("not set up yet")
                .doesNotContain("id=\"mfa-required\"");

        Map<String, String> form = StaffFixtures.settingsForm(api, shop);
        form.put("require_staff_mfa", "on");
        owner.submit(settings, "/dashboard/settings", form).expectRedirect("/dashboard/settings?notice=settings_saved");
        assertThat(api.get("/v1/admin/settings").bearer(shop.tenant().sk()).send().body().path("require_staff_mfa")
                .asBoolean()).isTrue();
        assertThat(StaffFixtures.events(api, shop, "settings.changed").get(0).path("data").path("changed").toString())
                .isEqualTo("[\"require_staff_mfa\"]");

        var staff = owner.get("/dashboard/staff").expect(200).html();
        assertThat(staff).contains("id=\"mfa-required\"").contains(email);
        assertThat(staff.split("not set up yet", -1)).hasSize(2); // the support member's row; the owner's says on
    }

    @Test
    void settingWhenTurnedOnFromTheDashboardByAnOwnerWithoutSecondFactorThenTheirNextPageIsTheSetUp() {
        var shop = StaffFixtures.shop(api);
        var owner = StaffTwoStep.confirmedOwner(api, shop);
        var settings = owner.get("/dashboard/settings").expect(200);
        Map<String, String> form = StaffFixtures.settingsForm(api, shop);
        form.put("require_staff_mfa", "on");
        owner.submit(settings, "/dashboard/settings", form).expectRedirect("/dashboard/settings?notice=settings_saved");
        owner.get("/dashboard/settings?notice=settings_saved").expectRedirect(SETUP);
        // once the confirmation the settings asked for has run out, the set-up asks for the password first
        server.clock.advance(StaffSessions.CONFIRMATION_WINDOW);
        assertThat(owner.get(SETUP).expect(200).html()).contains("action=\"/dashboard/confirm\"")
                .doesNotContain("href=\"/dashboard/customers\"");
        owner.confirm("security", shop.ownerPassword()).expectRedirect(SETUP);
        setUp(owner);
        owner.get("/dashboard/customers").expect(200);
    }
}
