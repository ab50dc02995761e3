package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two-step sign-in for staff on the dashboard: setting it up in a confirmed session, the login's second page, recovery
 * codes, wrong codes, turning it off, and an owner's reset of another member's.
 */
class DashboardStaffMfaTest extends ApiTest {
    private DashboardClient owner(StaffFixtures.Shop shop) {
        return StaffTwoStep.owner(api, shop);
    }

    /** The answer to the password of a member with two-step sign-in: the code form, and no session yet. */
    private static DashboardClient.Page passwordStep(DashboardClient client, StaffFixtures.Shop shop) {
        var page = client.login(shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(200);
        assertThat(page.html()).contains("<h1>Two-step sign-in</h1>").contains("action=\"/dashboard/login/mfa\"")
                .contains("name=\"tenant_id\" value=\"" + shop.id() + "\"");
        assertThat(client.cookies()).containsKey("latchkey_login_mfa").doesNotContainKey("latchkey_dashboard");
        assertThat(client.cookies().get("latchkey_login_mfa")).doesNotContain(shop.id());
        return page;
    }

    private static DashboardClient.Page code(DashboardClient client, DashboardClient.Page form, String tenantId,
                                             String code) {
        return client.submit(form, "/dashboard/login/mfa", Map.of("tenant_id", tenantId, "code", code));
    }



    @Test
    void enrolWhenConfirmedThenLoginAsksForCodeAndCodeStartsTheSession() {
        var shop = StaffFixtures.shop(api);
        assertThat(StaffFixtures.member(api, shop, shop.ownerEmail()).path("mfa_enabled").asBoolean()).isFalse();
        var enrolled = StaffTwoStep.enrol(server, owner(shop), shop.ownerPassword());
        assertThat(enrolled.recoveryCodes()).hasSize(10).doesNotHaveDuplicates();
        assertThat(StaffFixtures.member(api, shop, shop.ownerEmail()).path("mfa_enabled").asBoolean()).isTrue();
        assertThat(StaffFixtures.events(api, shop, "staff.mfa_enabled")).singleElement()
                .satisfies(e -> assertThat(e.path("data").path("method").asText()).isEqualTo("totp"));

        var browser = new DashboardClient(api.baseUrl());
        var form = passwordStep(browser, shop);
        browser.get("/dashboard/customers").expectRedirect("/dashboard/login");

        code(browser, form, shop.id(), StaffTwoStep.code(server, enrolled.secret()))
                .expectRedirect("/dashboard/customers");
        assertThat(browser.cookies()).containsKey("latchkey_dashboard").doesNotContainKey("latchkey_login_mfa");
        browser.get("/dashboard/customers").expect(200);
        JsonNode login = StaffFixtures.events(api, shop, "staff.login_succeeded").get(0).path("data");
        assertThat(login.path("mfa").asText()).isEqualTo("totp");
        assertThat(login.path("first_factor").asText()).isEqualTo("password");
        assertThat(login.path("kind").asText()).isEqualTo("dashboard");
    }

    @Test
    void recoveryCodeWhenUsedThenWorksOnceAndTotpCodeNotTwice() {
        var shop = StaffFixtures.shop(api);
        var enrolled = StaffTwoStep.enrol(server, owner(shop), shop.ownerPassword());

        var first = new DashboardClient(api.baseUrl());
        String recovery = enrolled.recoveryCodes().get(0);
        code(first, passwordStep(first, shop), shop.id(), recovery.toUpperCase().replace("-", " "))
                .expectRedirect("/dashboard/customers");
        var second = new DashboardClient(api.baseUrl());
        var refused = code(second, passwordStep(second, shop), shop.id(), recovery).expect(401);
        assertThat(refused.html()).contains("The code is not correct").contains("action=\"/dashboard/login/mfa\"");

        String totp = StaffTwoStep.code(server, enrolled.secret());
        var third = new DashboardClient(api.baseUrl());
        code(third, passwordStep(third, shop), shop.id(), totp).expectRedirect("/dashboard/customers");
        var replay = new DashboardClient(api.baseUrl());
        code(replay, passwordStep(replay, shop), shop.id(), totp).expect(401);
        assertThat(replay.cookies()).doesNotContainKey("latchkey_dashboard");
    }

    @Test
    void wrongCodesWhenFiveThenTheLoginIsVoidAndTheyCountTowardTheLockout() {
        var shop = StaffFixtures.shop(api, Map.of("lockout_threshold", 4));
        var enrolled = StaffTwoStep.enrol(server, owner(shop), shop.ownerPassword());

        var browser = new DashboardClient(api.baseUrl());
        var form = passwordStep(browser, shop);
        for (int i = 0; i < 3; i++) {
            form = code(browser, form, shop.id(), "000000").expect(401);
        }
        // the fourth wrong code locks the account: a right code is refused as a wrong one, and spends nothing
        form = code(browser, form, shop.id(), "000000").expect(401);
        assertThat(StaffFixtures.events(api, shop, "staff.locked")).hasSize(1);
        String right = StaffTwoStep.code(server, enrolled.secret());
        form = code(browser, form, shop.id(), right).expect(401);
        assertThat(browser.cookies()).doesNotContainKey("latchkey_dashboard");
        // that was the fifth try: the login is gone, and its password is asked again
        var gone = code(browser, form, shop.id(), right).expect(401);
        assertThat(gone.html()).contains("action=\"/dashboard/login\"").contains("log in again");
        assertThat(browser.cookies()).doesNotContainKey("latchkey_login_mfa");
        assertThat(StaffFixtures.events(api, shop, "staff.login_failed")).extracting(e -> e.path("data").path("reason").asText())
                .contains("wrong_code", "locked");
        StaffFixtures.login(api, shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(401, "invalid_credentials");
    }

    @Test
    void codeFormWhenCsrfMissingOrLoginOfAnotherShopThenRefused() {
        var shop = StaffFixtures.shop(api);
        var enrolled = StaffTwoStep.enrol(server, owner(shop), shop.ownerPassword());
        var browser = new DashboardClient(api.baseUrl());
        var form = passwordStep(browser, shop);
        String right = StaffTwoStep.code(server, enrolled.secret());

        browser.post("/dashboard/login/mfa", Map.of("tenant_id", shop.id(), "code", right)).expect(403);
        browser.post("/dashboard/login/mfa", Map.of("tenant_id", shop.id(), "code", right, "_csrf", "lc_wrong"))
                .expect(403);
        // the token is the shop's: named with another shop it finds no login
        var other = StaffFixtures.shop(api);
        code(browser, form, other.id(), right).expect(401);
        // a browser without the pending login's cookie has nothing to complete
        var stranger = new DashboardClient(api.baseUrl());
        var strangerForm = stranger.get("/dashboard/login").expect(200);
        code(stranger, strangerForm, shop.id(), right).expect(401);
        assertThat(stranger.cookies()).doesNotContainKey("latchkey_dashboard");
    }

    @Test
    void securityPageWhenUnconfirmedOrWithoutCsrfThenNothingChanges() {
        var shop = StaffFixtures.shop(api);
        var client = owner(shop);
        var page = client.get("/dashboard/security").expect(200);
        assertThat(page.html()).contains("<h1>Confirm your password</h1>").contains("name=\"next\" value=\"security\"")
                .doesNotContain("Set up an authenticator app");
        assertThat(client.submit(page, "/dashboard/security/totp", Map.of()).expect(403).html())
                .doesNotContain("totp-secret");
        client.confirm("security", shop.ownerPassword()).expectRedirect("/dashboard/security");
        client.post("/dashboard/security/totp", Map.of()).expect(403);
        client.post("/dashboard/security/totp/confirm", Map.of("code", "123456")).expect(403);
        assertThat(StaffFixtures.member(api, shop, shop.ownerEmail()).path("mfa_enabled").asBoolean()).isFalse();
        // confirming without a seed being set up
        var security = client.get("/dashboard/security").expect(200);
        assertThat(client.submit(security, "/dashboard/security/totp/confirm", Map.of("code", "123456")).expect(409)
                .html()).contains("No authenticator is being set up");
    }

    /** The Two-step sign-in page of {@code shop}'s owner, in a confirmed session, with a seed being set up. */
    private DashboardClient.Page setUpPage(StaffFixtures.Shop shop) {
        var client = owner(shop);
        client.confirm("security", shop.ownerPassword()).expectRedirect("/dashboard/security");
        return client.submit(client.get("/dashboard/security").expect(200), "/dashboard/security/totp", Map.of())
                .expect(200);
    }

    /** The text of the element with this id, as a browser shows it. */
    private static String text(String html, String id) {
        Matcher m = Pattern.compile("id=\"" + id + "\">([^<]*)<").matcher(html);
        assertThat(m.find()).as("#%s in %s", id, html).isTrue();
        return m.group(1).replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&");
    }

    @Test
    void setUpWhenStartedThenAQrCodeOfTheAddressAboveTheSecretNotCachedAndTheLabelEscaped() {
        // an email address may hold & and ' (not < or "); the shop's name, in the label too, any of them
        String name = "Kasa <b>\"Bold\" & Co</b>";
        String email = "o'neil&co-" + Fixtures.uniqueEmail();
        var shop = StaffFixtures.shop(api, name, email, Map.of());
        var page = setUpPage(shop);

        assertThat(page.header("Cache-Control")).isEqualTo("no-store");
        assertThat(page.header("Content-Security-Policy")).isEqualTo(DashboardRoutes.CSP).doesNotContain("unsafe");
        String html = page.html();
        String secret = text(html, "totp-secret");
        String uri = text(html, "totp-uri");
        assertThat(uri).startsWith("otpauth://totp/").contains("?secret=" + secret + "&");
        var qr = DrawnQrCode.in(html);
        assertThat(qr.encodes(uri)).isTrue();
        assertThat(qr.label()).isEqualTo("QR code that adds " + name + " dashboard:" + email
                + " to an authenticator app");
        assertThat(html).contains("<p id=\"totp-qr\"><svg ").doesNotContain("<b>").doesNotContain(" style=");
        assertThat(html.indexOf("<svg")).isEqualTo(html.lastIndexOf("<svg"))
                .isLessThan(html.indexOf("id=\"totp-secret\""));
    }

    @Test
    void setUpWhenTheAddressIsTooLongForAQrCodeThenTheSecretAlone() {
        var shop = StaffFixtures.shop(api, "\u5e97".repeat(200), "owner-" + Fixtures.uniqueEmail(), Map.of());
        String html = setUpPage(shop).html();
        assertThat(html).doesNotContain("<svg").doesNotContain("totp-qr")
                .contains("Add an account to your authenticator app with this secret");
        assertThat(text(html, "totp-uri")).startsWith("otpauth://totp/%E5%BA%97");
        assertThat(text(html, "totp-secret")).matches("[A-Z2-7]{32}");
    }

    @Test
    void turnOffWhenPasswordAndCodeThenLoginAsksThePasswordAlone() {
        var shop = StaffFixtures.shop(api);
        var client = owner(shop);
        var enrolled = StaffTwoStep.enrol(server, client, shop.ownerPassword());
        var page = client.get("/dashboard/security").expect(200);
        assertThat(page.html()).contains("Two-step sign-in is on").contains("Unused recovery codes:\n    10");

        // wrong password, then wrong code: refused, recorded, still on
        assertThat(client.submit(page, "/dashboard/security/disable", Map.of("password", "not the password",
                "code", StaffTwoStep.code(server, enrolled.secret()))).expect(403).html())
                .contains("Your password is not correct");
        client.submit(page, "/dashboard/security/disable", Map.of("password", shop.ownerPassword(), "code", "000000"))
                .expect(403);
        assertThat(StaffFixtures.events(api, shop, "staff.mfa_check_failed")).singleElement()
                .satisfies(e -> assertThat(e.path("data").path("action").asText()).isEqualTo("disable"));

        var fresh = client.submit(page, "/dashboard/security/recovery-codes", Map.of("password", shop.ownerPassword(),
                "code", enrolled.recoveryCodes().get(0))).expect(200);
        assertThat(StaffTwoStep.recoveryCodes(fresh)).hasSize(10).doesNotContainAnyElementsOf(enrolled.recoveryCodes());

        client.submit(page, "/dashboard/security/disable", Map.of("password", shop.ownerPassword(),
                "code", StaffTwoStep.code(server, enrolled.secret())))
                .expectRedirect("/dashboard/security?notice=own_mfa_disabled");
        assertThat(StaffFixtures.events(api, shop, "staff.mfa_disabled")).hasSize(1);
        new DashboardClient(api.baseUrl()).login(shop.id(), shop.ownerEmail(), shop.ownerPassword())
                .expectRedirect("/dashboard/customers");
    }

    @Test
    void ownerResetWhenMemberLostTheirPhoneThenTheyLogInWithThePasswordAlone() {
        var shop = StaffFixtures.shop(api);
        String email = StaffFixtures.addStaff(api, shop, "support");
        var support = StaffTwoStep.loggedIn(api.baseUrl(), shop.id(), email, Fixtures.PASSWORD);
        StaffTwoStep.enrol(server, support, Fixtures.PASSWORD);
        assertThat(StaffFixtures.login(api, shop.id(), email, Fixtures.PASSWORD).expect(200).str("next_step"))
                .isEqualTo("mfa");
        String supportId = StaffFixtures.member(api, shop, email).path("id").asText();

        var owner = owner(shop);
        owner.confirm(shop.ownerPassword());
        var staffPage = owner.get("/dashboard/staff").expect(200);
        // the owner's own has no reset button: they have none, and would turn theirs off with a code
        assertThat(staffPage.html()).contains("/dashboard/staff/" + supportId + "/mfa/reset")
                .doesNotContain("/dashboard/staff/" + shop.ownerId() + "/mfa/reset");
        owner.post("/dashboard/staff/" + supportId + "/mfa/reset", Map.of()).expect(403);
        assertThat(StaffFixtures.member(api, shop, email).path("mfa_enabled").asBoolean()).isTrue();

        owner.submit(staffPage, "/dashboard/staff/" + supportId + "/mfa/reset", Map.of())
                .expectRedirect("/dashboard/staff?notice=staff_mfa_reset");
        assertThat(StaffFixtures.events(api, shop, "staff.mfa_reset").get(0).path("data").path("reset_staff_id").asText())
                .isEqualTo(supportId);
        assertThat(StaffFixtures.member(api, shop, email).path("mfa_enabled").asBoolean()).isFalse();
        assertThat(StaffFixtures.login(api, shop.id(), email, Fixtures.PASSWORD).expect(200).str("access_token"))
                .startsWith("stf_");
        owner.submit(staffPage, "/dashboard/staff/" + supportId + "/mfa/reset", Map.of()).expect(409);
        // a support member meets the owner's page's refusal
        support.post("/dashboard/staff/" + shop.ownerId() + "/mfa/reset", Map.of("_csrf", "x")).expect(403);
    }
}
