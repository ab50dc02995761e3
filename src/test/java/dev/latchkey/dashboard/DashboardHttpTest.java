package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.auth.Permission;
import dev.latchkey.credential.PasswordPolicy;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.RowLocks;
import dev.latchkey.testing.LogCapture;
import dev.latchkey.testing.Outboxes;
import dev.latchkey.testing.StaffFixtures;
import dev.latchkey.testing.Tokens;
import dev.latchkey.testing.SoftAuthenticator;
import dev.latchkey.testing.TotpCodes;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class DashboardHttpTest extends ApiTest {
    private DashboardClient browser() {
        return new DashboardClient(api.baseUrl());
    }

    private DashboardClient owner(StaffFixtures.Shop shop) {
        return StaffTwoStep.owner(api, shop);
    }

    /** The owner, logged in and confirmed with their password: the pages that ask for it work. */
    private DashboardClient confirmedOwner(StaffFixtures.Shop shop) {
        return StaffTwoStep.confirmedOwner(api, shop);
    }

    private DashboardClient loggedIn(String tenantId, String email, String password) {
        return StaffTwoStep.loggedIn(api.baseUrl(), tenantId, email, password);
    }

    @Test
    void pagesWhenNotLoggedInThenRedirectToLogin() {
        var client = browser();
        client.get("/dashboard").expectRedirect("/dashboard/customers");
        client.get("/dashboard/").expectRedirect("/dashboard/customers");
        client.get("/dashboard/customers").expectRedirect("/dashboard/login");
        client.get("/dashboard/customers/cus_x").expectRedirect("/dashboard/login");
        client.get("/dashboard/settings").expectRedirect("/dashboard/login");
        client.post("/dashboard/customers/cus_x/lockout/reset", Map.of()).expectRedirect("/dashboard/login");
        client.header("Cookie", "latchkey_dashboard=dsh_forged").get("/dashboard/customers")
                .expectRedirect("/dashboard/login?notice=expired");
    }

    /** A dashboard session is a staff member's credential, but not the one the admin API takes. */
    @Test
    void adminRoutesWhenDashboardSessionAsBearerThen403AndAfterLogoutThen401() {
        var shop = StaffFixtures.shop(api);
        var client = owner(shop);
        String session = client.cookies().get("latchkey_dashboard");
        assertThat(session).startsWith("dsh_");
        api.get("/v1/admin/customers").bearer(session).send().expect(403, "insufficient_scope");
        api.get("/v1/me").key(shop.tenant().pk()).bearer(session).send().expect(403, "insufficient_scope");
        client.get("/dashboard/customers").expect(200);

        client.submit(client.get("/dashboard/customers").expect(200), "/dashboard/logout", Map.of()).expect(303);
        api.get("/v1/admin/customers").bearer(session).send().expect(401, "invalid_api_key");
    }

    @Test
    void loginThenSessionCookieIsHttpOnlyStrictAndNotSecureOverHttp() {
        var shop = StaffFixtures.shop(api);
        var client = browser();
        var answer = client.login(shop.id(), shop.ownerEmail(), shop.ownerPassword())
                .expectRedirect("/dashboard/customers");
        String cookie = answer.cookies().stream().filter(c -> c.startsWith("latchkey_dashboard=")).findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/dashboard")
                .doesNotContain("Secure").matches("latchkey_dashboard=dsh_[0-9A-Za-z]{43};.*");
        client.get("/dashboard/customers").expect(200);
        client.get("/dashboard/login").expectRedirect("/dashboard/customers");
    }

    @Test
    void loginWhenTheBrowserStillHoldsASessionThenThatSessionEndsOnTheServer() {
        var shop = StaffFixtures.shop(api);
        var client = browser();
        var form = client.get("/dashboard/login").expect(200);
        Map<String, String> fields = Map.of("tenant_id", shop.id(), "email", shop.ownerEmail(),
                "password", shop.ownerPassword());
        client.submit(form, "/dashboard/login", fields).expect(303);
        String earlier = client.cookies().get(Dashboard.SESSION_COOKIE);
        // a second tab posts the login form it had loaded before
        client.submit(form, "/dashboard/login", fields).expect(303);
        assertThat(client.cookies().get(Dashboard.SESSION_COOKIE)).isNotEqualTo(earlier);
        client.get("/dashboard/customers").expect(200);

        var stale = browser();
        stale.cookies().put(Dashboard.SESSION_COOKIE, earlier);
        assertThat(stale.get("/dashboard/customers").status()).isEqualTo(303);
    }

    @Test
    void loginWhenForwardedProtoFromUntrustedPeerThenCookieNotSecure() {
        var shop = StaffFixtures.shop(api);
        var client = browser().header("X-Forwarded-Proto", "https");
        var answer = client.login(shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(303);
        assertThat(answer.cookies()).allSatisfy(c -> assertThat(c).doesNotContain("Secure"));
    }

    @Test
    void everyDashboardAnswerCarriesSecurityHeaders() {
        var shop = StaffFixtures.shop(api);
        var client = owner(shop);
        for (var page : new DashboardClient.Page[] {browser().get("/dashboard/login"), client.get("/dashboard/customers"),
                browser().get("/dashboard/customers"), client.get("/dashboard/customers/cus_unknown"),
                client.get("/dashboard/static/dashboard.css"), client.get("/dashboard/no-such-page"),
                client.get("/dashboard/customers?q=%00")}) {
            assertThat(page.header("Content-Security-Policy")).contains("default-src 'self'")
                    .contains("script-src 'self'").contains("style-src 'self'").contains("frame-ancestors 'none'")
                    .contains("form-action 'self'").contains("base-uri 'none'").doesNotContain("unsafe-inline");
            assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(page.header("Strict-Transport-Security")).isEqualTo("max-age=31536000");
            assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
            assertThat(page.header("Cache-Control")).isEqualTo("no-store");
        }
        String html = client.get("/dashboard/customers").html();
        assertThat(html).doesNotContain("<script").doesNotContain("style=").contains("name=\"viewport\"");
    }

    @Test
    void dashboardPathRefusedBeforeRoutingThenItsErrorPageStillFramedOutAndNotCached() {
        // NUL: a path the server cannot read, refused before any route; the path as sent is the dashboard's
        var refused = owner(StaffFixtures.shop(api)).get("/dashboard/customers/cus_%00");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.header("Content-Type")).startsWith("text/html");
        assertThat(refused.html()).contains("The request cannot be served.");
        assertThat(refused.header("Content-Security-Policy")).contains("default-src 'self'")
                .contains("frame-ancestors 'none'");
        assertThat(refused.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(refused.header("Cache-Control")).isEqualTo("no-store");
        assertThat(refused.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void dashboardRefusedOutsideItsPagesThenAnErrorPageNotProblemJson() {
        var client = owner(StaffFixtures.shop(api));

        var unknown = client.get("/dashboard/no-such-page&x=1");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("Content-Type")).startsWith("text/html");
        assertThat(unknown.html()).contains("Not found").contains("No route matches GET /dashboard/no-such-page&amp;x=1.")
                .contains("Log out");
        var wrongMethod = client.postRaw("/dashboard/static/dashboard.css", "application/x-www-form-urlencoded", "");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.header("Allow")).isEqualTo("GET, HEAD");
        assertThat(wrongMethod.html()).contains("POST is not allowed on /dashboard/static/dashboard.css.");
        var unreadable = client.get("/dashboard/customers?q=%00");
        assertThat(unreadable.status()).isEqualTo(422);
        assertThat(unreadable.header("Content-Type")).startsWith("text/html");
        var anonymous = browser().get("/dashboard/no-such-page");
        assertThat(anonymous.status()).isEqualTo(404);
        assertThat(anonymous.header("Content-Type")).startsWith("text/html");
        assertThat(anonymous.html()).doesNotContain("Log out");
        // the API's paths keep answering problem+json
        api.get("/v1/no-such-route").send().expect(404, "not_found");
    }

    @Test
    void formWhenCsrfMissingOrWrongOrPostedFromAnotherSiteThenForbiddenAndNothingChanged() {
        var shop = StaffFixtures.shop(api, Map.of("lockout_threshold", 5));
        var shopper = Fixtures.shopper(api, shop.tenant());
        api.post("/v1/auth/login").key(shop.tenant().pk())
                .body(Map.of("email", shopper.email(), "password", "wrong password 1")).send().expect(401);
        var client = owner(shop);
        String path = "/dashboard/customers/" + shopper.customerId() + "/lockout/reset";
        client.post(path, Map.of()).expect(403);
        client.post(path, Map.of("_csrf", "0".repeat(64))).expect(403);
        var otherSession = owner(shop);
        var otherPage = otherSession.get("/dashboard/customers").expect(200);
        client.post(path, Map.of("_csrf", otherPage.csrf())).expect(403);
        var page = client.get("/dashboard/customers/" + shopper.customerId()).expect(200);
        // the right token, but the browser says the form came from another site (a sibling subdomain is same-site)
        for (String site : new String[] {"cross-site", "same-site"}) {
            var refused = client.header("Sec-Fetch-Site", site).submit(page, path, Map.of()).expect(403);
            assertThat(refused.html()).contains("did not come from the dashboard");
        }
        assertThat(api.get("/v1/admin/customers/" + shopper.customerId() + "/lockout").bearer(shop.tenant().sk())
                .send().expect(200).body().path("failed_attempts").asInt()).isEqualTo(1);
        client.header("Sec-Fetch-Site", "same-origin").submit(page, path, Map.of())
                .expectRedirect("/dashboard/customers/" + shopper.customerId() + "?notice=unlocked");
    }

    @Test
    void loginFormWhenCsrfMissingThenForbidden() {
        var shop = StaffFixtures.shop(api);
        browser().post("/dashboard/login", Map.of("tenant_id", shop.id(), "email", shop.ownerEmail(),
                "password", shop.ownerPassword())).expect(403);
    }

    @Test
    void loginWhenPostedFromASiblingSiteThenForbiddenAndNoSession() {
        var shop = StaffFixtures.shop(api);
        var client = browser();
        var form = client.get("/dashboard/login").expect(200);
        client.header("Sec-Fetch-Site", "same-site").submit(form, "/dashboard/login", Map.of("tenant_id", shop.id(),
                "email", shop.ownerEmail(), "password", shop.ownerPassword())).expect(403);
        assertThat(client.cookies()).doesNotContainKey("latchkey_dashboard");
    }

    @Test
    void loginWhenAFieldIsOverlongThenRefusedLikeAWrongValue() {
        var shop = StaffFixtures.shop(api);
        var client = browser();
        for (var overlong : List.of(List.of(shop.id() + "-".repeat(64), shop.ownerEmail(), shop.ownerPassword()),
                List.of(shop.id(), "x".repeat(250) + shop.ownerEmail(), shop.ownerPassword()),
                List.of(shop.id(), shop.ownerEmail(), shop.ownerPassword() + " ".repeat(PasswordPolicy.MAX_FIELD_LENGTH)))) {
            var refused = client.login(overlong.get(0), overlong.get(1), overlong.get(2)).expect(401);
            assertThat(refused.html()).contains("The shop ID, email or password is not correct");
        }
        assertThat(client.cookies()).doesNotContainKey("latchkey_dashboard");
    }

    @Test
    void loginWhenWrongPasswordThenGenericErrorAndLockedAfterThreshold() {
        var shop = StaffFixtures.shop(api, Map.of("lockout_threshold", 2));
        var client = browser();
        var wrong = client.login(shop.id(), shop.ownerEmail(), "wrong password one").expect(401);
        assertThat(wrong.html()).contains("not correct").contains("value=\"" + shop.id() + "\"")
                .doesNotContain("wrong password one");
        client.login(shop.id(), shop.ownerEmail(), "wrong password two").expect(401);
        client.login(shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(401);
        client.login("no-such-shop", shop.ownerEmail(), shop.ownerPassword()).expect(401);
        client.login(shop.id(), "", "").expect(422);
        assertThat(client.cookies()).doesNotContainKey("latchkey_dashboard");
    }

    @Test
    void sessionWhenIdleForHalfAnHourThenLoginAgain() {
        var shop = StaffFixtures.shop(api);
        var client = owner(shop);
        server.clock.advance(Duration.ofMinutes(20));
        client.get("/dashboard/customers").expect(200);
        server.clock.advance(Duration.ofMinutes(31));
        client.get("/dashboard/customers").expectRedirect("/dashboard/login?notice=expired");
        assertThat(client.cookies()).doesNotContainKey("latchkey_dashboard");
    }

    @Test
    void sessionWhenTwelveHoursOldThenLoginAgainEvenIfBusy() {
        var shop = StaffFixtures.shop(api);
        var client = owner(shop);
        for (int i = 0; i < 24; i++) {
            server.clock.advance(Duration.ofMinutes(29));
            client.get("/dashboard/customers").expect(200);
        }
        server.clock.advance(Duration.ofMinutes(29));
        client.get("/dashboard/customers").expectRedirect("/dashboard/login?notice=expired");
    }

    @Test
    void logoutThenSessionEndedEvenWithTheOldCookie() {
        var shop = StaffFixtures.shop(api);
        var client = owner(shop);
        String token = client.cookies().get("latchkey_dashboard");
        var page = client.get("/dashboard/customers");
        client.submit(page, "/dashboard/logout", Map.of()).expectRedirect("/dashboard/login?notice=logged_out");
        assertThat(client.cookies()).doesNotContainKey("latchkey_dashboard");
        browser().header("Cookie", "latchkey_dashboard=" + token).get("/dashboard/customers")
                .expectRedirect("/dashboard/login?notice=expired");
        // a dashboard session is no API token
        api.get("/v1/admin/audit").bearer(token).send().expect(401, "invalid_api_key");
    }

    @Test
    void supportWhenSettingsOrOwnerActionsThenForbiddenAndNotOffered() {
        var shop = StaffFixtures.shop(api);
        var shopper = Fixtures.shopper(api, shop.tenant());
        var client = browser();
        client.login(shop.id(), StaffFixtures.addStaff(api, shop, "support"), Fixtures.PASSWORD).expect(303);
        var page = client.get("/dashboard/customers/" + shopper.customerId()).expect(200);
        assertThat(page.html()).contains("Reset failures").contains("Revoke")
                .doesNotContain("Put on hold").doesNotContain("Delete customer").doesNotContain("/dashboard/settings")
                .doesNotContain("/dashboard/api-keys");
        client.get("/dashboard/settings").expect(403);
        client.submit(page, "/dashboard/settings", Map.of("lockout_threshold", "3")).expect(403);
        client.get("/dashboard/api-keys").expect(403);
        client.get("/dashboard/staff").expect(403);
        client.submit(page, "/dashboard/staff/" + shop.ownerId() + "/delete", Map.of()).expect(403);
        client.submit(page, "/dashboard/customers/" + shopper.customerId() + "/status", Map.of("status", "disabled"))
                .expect(403);
        client.submit(page, "/dashboard/customers/" + shopper.customerId() + "/delete", Map.of("confirm", "yes"))
                .expect(403);
        Tokens.introspect(api, shop.tenant(), shopper.accessToken()).expect(200);
        assertThat(api.get("/v1/admin/settings").bearer(shop.tenant().sk()).send().body()
                .path("lockout_threshold").asInt()).isEqualTo(10);
    }

    @Test
    void resendVerificationWhenSupportAsksThenMailQueuedAndRecordedAndOnlyForUnverified() {
        var shop = StaffFixtures.shop(api);
        var unverified = Fixtures.shopper(api, shop.tenant());
        String verified = api.post("/v1/admin/customers").bearer(shop.tenant().sk()).body(Map.of("email",
                Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD, "email_verified", true)).send().expect(201)
                .str("id");
        var client = browser();
        client.login(shop.id(), StaffFixtures.addStaff(api, shop, "support"), Fixtures.PASSWORD).expect(303);
        String path = "/dashboard/customers/" + unverified.customerId();
        var page = client.get(path).expect(200);
        assertThat(page.html()).contains("Resend verification email");
        int queued = Outboxes.count(server, unverified.email());

        client.submit(page, path + "/verification/resend", Map.of())
                .expectRedirect(path + "?notice=verification_sent");

        assertThat(Outboxes.count(server, unverified.email())).isEqualTo(queued + 1);
        var recorded = AuditEvents.only(api, shop.tenant(), unverified.customerId(), "email.verification_sent")
                .path("data");
        assertThat(recorded.path("by").asText()).isEqualTo("admin");
        assertThat(recorded.path("staff_id").asText()).isNotBlank().isNotEqualTo(shop.ownerId());
        var verifiedPage = client.get("/dashboard/customers/" + verified).expect(200);
        assertThat(verifiedPage.html()).doesNotContain("Resend verification email");
        client.submit(verifiedPage, "/dashboard/customers/" + verified + "/verification/resend", Map.of()).expect(409);
        client.submit(page, "/dashboard/customers/cus_unknown/verification/resend", Map.of()).expect(404);
    }

    @Test
    void customerPageThenAddressBookAndLatestOrdersShownEscaped() {
        var shop = StaffFixtures.shop(api);
        var shopper = Fixtures.shopper(api, shop.tenant());
        var client = owner(shop);
        String path = "/dashboard/customers/" + shopper.customerId();
        assertThat(client.get(path).expect(200).html()).contains("No addresses.").contains("No orders.");

        String address = Fixtures.address(api, shopper, Map.of("company", "<b>Acme</b>", "line2", "Hof 3"))
                .path("id").asText();
        api.post("/v1/me/addresses/" + address + "/default").as(shopper).body(Map.of("type", "shipping")).send()
                .expect(200);
        String number = new dev.latchkey.order.OrderCalls(api, shop.tenant()).createFor(shopper.customerId(),
                java.time.Instant.parse("2026-05-08T13:00:00Z"));

        String html = client.get(path).expect(200).html();
        assertThat(html).contains("Ada Lovelace &lt;b&gt;Acme&lt;/b&gt;").doesNotContain("<b>Acme</b>")
                .contains("Unter den Linden 1, Hof 3, 10117 Berlin, DE").contains(">shipping<")
                .contains(number).contains("2026-05-08 13:00 UTC").contains("19.90 EUR");
    }

    @Test
    void sendPasswordResetWhenSupportAsksThenMailQueuedAndRecordedAndOnlyForActiveAccounts() {
        var shop = StaffFixtures.shop(api);
        var shopper = Fixtures.shopper(api, shop.tenant());
        var client = browser();
        client.login(shop.id(), StaffFixtures.addStaff(api, shop, "support"), Fixtures.PASSWORD).expect(303);
        String path = "/dashboard/customers/" + shopper.customerId();
        var page = client.get(path).expect(200);
        int queued = Outboxes.count(server, shopper.email());

        client.submit(page, path + "/password-reset", Map.of()).expectRedirect(path + "?notice=password_reset_sent");

        assertThat(Outboxes.count(server, shopper.email())).isEqualTo(queued + 1);
        var recorded = AuditEvents.only(api, shop.tenant(), shopper.customerId(), "password.reset_sent");
        assertThat(recorded.path("staff_id").asText()).isNotBlank().isNotEqualTo(shop.ownerId());
        api.patch("/v1/admin/customers/" + shopper.customerId()).bearer(shop.tenant().sk())
                .body(Map.of("status", "disabled")).send().expect(200);
        assertThat(client.get(path).expect(200).html()).doesNotContain("Send password-reset email");
        client.submit(page, path + "/password-reset", Map.of()).expect(409);
        assertThat(Outboxes.count(server, shopper.email())).isEqualTo(queued + 1);
    }

    @Test
    void customerListWhenSearchedThenFilteredAndPaged() {
        var shop = StaffFixtures.shop(api);
        for (int i = 0; i < 26; i++) {
            api.post("/v1/admin/customers").bearer(shop.tenant().sk()).body(Map.of("email", "bulk" + i + "@example.com",
                    "password", Fixtures.PASSWORD, "first_name", "Bulk")).send().expect(201);
        }
        api.post("/v1/admin/customers").bearer(shop.tenant().sk()).body(Map.of("email", "zora@example.com",
                "password", Fixtures.PASSWORD, "first_name", "Zora", "last_name", "Neale_Hurston", "status", "on_hold"))
                .send().expect(201);
        var client = owner(shop);
        var first = client.get("/dashboard/customers").expect(200);
        assertThat(first.html()).contains("zora@example.com").contains("rel=\"next\"");
        String next = first.html().replaceAll("(?s).*href=\"([^\"]+)\" rel=\"next\".*", "$1").replace("&amp;", "&");
        var second = client.get(next).expect(200);
        assertThat(second.html()).contains("bulk0@example.com").doesNotContain("zora@example.com")
                .doesNotContain("rel=\"next\"");
        assertThat(client.get("/dashboard/customers?q=zora+neale").html()).contains("zora@example.com")
                .doesNotContain("bulk1@example.com");
        assertThat(client.get("/dashboard/customers?q=ZORA%40").html()).contains("zora@example.com");
        assertThat(client.get("/dashboard/customers?q=neale_").html()).contains("zora@example.com");
        assertThat(client.get("/dashboard/customers?q=%25").html()).contains("No customers match.");
        // judged as the API judges a search: pasted line breaks trimmed, control characters refused
        assertThat(client.get("/dashboard/customers?q=%09zora%0D%0A").html()).contains("zora@example.com");
        for (String control : List.of("zora%01", "%0Bzora", "zora%1F")) { // the last two are white space to Java
            var refused = client.get("/dashboard/customers?q=" + control);
            assertThat(refused.status()).as(control).isEqualTo(422);
            assertThat(refused.html()).as(control).contains("without control characters");
        }
        assertThat(client.get("/dashboard/customers?status=on_hold").html()).contains("zora@example.com")
                .doesNotContain("bulk1@example.com");
        client.get("/dashboard/customers?status=gone").expect(422);
        // the page says which field was wrong, as the API's problem does, not only that one was
        assertThat(client.get("/dashboard/customers?cursor=%21%21").expect(422).html()).contains("cursor")
                .doesNotContain("One or more fields are invalid.");
    }

    @Test
    void customerWhenMfaOnThenShownAndStaffTurnsItOff() {
        var shop = StaffFixtures.shop(api);
        var shopper = Fixtures.verifiedShopper(api, shop.tenant(), Map.of());
        String secret = api.post("/v1/me/mfa/totp").as(shopper).body(Map.of("password", shopper.password())).send()
                .expect(200).str("secret");
        api.post("/v1/me/mfa/totp/confirm").as(shopper)
                .body(Map.of("code", TotpCodes.at(secret, server.clock.instant()))).send().expect(200);
        var client = owner(shop);
        String path = "/dashboard/customers/" + shopper.customerId();
        var page = client.get(path).expect(200);
        assertThat(page.html()).contains("on since").contains("Turn off two-step sign-in");
        client.submit(page, path + "/mfa/reset", Map.of()).expectRedirect(path + "?notice=mfa_reset");
        assertThat(client.get(path).expect(200).html()).contains("id=\"mfa-state\">off")
                .doesNotContain("Turn off two-step sign-in");
        client.submit(page, path + "/mfa/reset", Map.of()).expect(409);
    }

    @Test
    void customerWhenPasskeyAddedThenShownAndStaffRemovesIt() {
        var shop = StaffFixtures.shop(api);
        api.patch("/v1/admin/settings").bearer(shop.tenant().sk()).body(Map.of("webauthn_rp_id", "shop.example.com"))
                .send().expect(200);
        var shopper = Fixtures.verifiedShopper(api, shop.tenant(), Map.of());
        var options = api.post("/v1/me/passkeys/options").as(shopper).send().expect(200).body().path("public_key");
        String passkeyId = api.post("/v1/me/passkeys").as(shopper).body(Map.of("name", "Ada's phone", "credential",
                        SoftAuthenticator.create().register(options, SoftAuthenticator.from("https://shop.example.com"))))
                .send().expect(201).str("id");
        var client = owner(shop);
        String path = "/dashboard/customers/" + shopper.customerId();
        var page = client.get(path).expect(200);
        assertThat(page.html()).contains("Ada&#39;s phone").contains("data-passkey=\"" + passkeyId + "\"");
        client.submit(page, path + "/passkeys/" + passkeyId + "/remove", Map.of())
                .expectRedirect(path + "?notice=passkey_removed");
        assertThat(client.get(path).expect(200).html()).contains("id=\"no-passkeys\"");
        client.submit(page, path + "/passkeys/" + passkeyId + "/remove", Map.of()).expect(404);
    }

    @Test
    void customerWhenOtherTenantsIdThenNotFound() {
        var shop = StaffFixtures.shop(api);
        var other = StaffFixtures.shop(api);
        var stranger = Fixtures.shopper(api, other.tenant());
        var client = owner(shop);
        client.get("/dashboard/customers/" + stranger.customerId()).expect(404);
        var page = client.get("/dashboard/customers").expect(200);
        client.submit(page, "/dashboard/customers/" + stranger.customerId() + "/lockout/reset", Map.of()).expect(404);
        client.submit(page, "/dashboard/customers/" + stranger.customerId() + "/mfa/reset", Map.of()).expect(404);
        client.submit(page, "/dashboard/customers/" + stranger.customerId() + "/sessions/" + stranger.sessionId()
                + "/revoke", Map.of()).expect(404);
        Tokens.introspect(api, other.tenant(), stranger.accessToken()).expect(200);
    }

    @Test
    void customerPageWhenProfileHoldsMarkupThenEscaped() {
        var shop = StaffFixtures.shop(api);
        var res = api.post("/v1/admin/customers").bearer(shop.tenant().sk()).body(Map.of("email", Fixtures.uniqueEmail(),
                "password", Fixtures.PASSWORD, "first_name", "<script>alert(1)</script>", "company", "\"><img src=x>"))
                .send().expect(201);
        var client = owner(shop);
        String html = client.get("/dashboard/customers/" + res.str("id")).expect(200).html();
        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert")
                .doesNotContain("<img src=x>");
        assertThat(client.get("/dashboard/customers?q=%3Cscript").html()).doesNotContain("<script>alert");
    }

    @Test
    void statusWhenOnHoldThenSessionsEndAndLoginRefusedUntilReactivated() {
        var shop = StaffFixtures.shop(api);
        var shopper = Fixtures.shopper(api, shop.tenant());
        var client = owner(shop);
        String path = "/dashboard/customers/" + shopper.customerId();
        var page = client.get(path).expect(200);
        assertThat(page.html()).contains("Put on hold").contains("Disable").doesNotContain("Re-activate");
        client.submit(page, path + "/status", Map.of("status", "on_hold")).expectRedirect(path + "?notice=status_changed");
        Tokens.assertRefused(api, shop.tenant(), shopper.accessToken());
        api.post("/v1/auth/login").key(shop.tenant().pk())
                .body(Map.of("email", shopper.email(), "password", shopper.password())).send()
                .expect(403, "account_on_hold");
        page = client.get(path).expect(200);
        assertThat(page.html()).contains("Re-activate").contains("on hold");
        client.submit(page, path + "/status", Map.of("status", "on_hold")).expect(409);
        client.submit(page, path + "/status", Map.of("status", "pending_activation")).expect(409);
        client.submit(page, path + "/status", Map.of("status", "banned")).expect(422);
        client.submit(page, path + "/status", Map.of("status", "active")).expect(303);
        Fixtures.login(api, shop.tenant(), shopper.email(), shopper.password());
        var events = api.get("/v1/admin/audit?type=customer.status_changed&customer_id=" + shopper.customerId())
                .bearer(shop.tenant().sk()).send().expect(200);
        assertThat(events.body().path("data")).hasSize(2);
        assertThat(events.body().path("data").get(1).path("staff_id").asText()).isEqualTo(shop.ownerId());
    }

    @Test
    void tagsAndNoteWhenSavedOnTheCustomerPageThenShownFilteredAndRecorded() {
        var shop = StaffFixtures.shop(api);
        var shopper = Fixtures.shopper(api, shop.tenant());
        var other = Fixtures.shopper(api, shop.tenant());
        var client = owner(shop);
        String path = "/dashboard/customers/" + shopper.customerId();
        var page = client.get(path).expect(200);
        assertThat(page.html()).contains("Tags and note").contains("name=\"version\" value=\"1\"");

        client.submit(page, path + "/tags-note", Map.of("tags", " VIP, <b>Berlin</b>, vip ,", "note",
                "Call <first>\nthen mail", "version", "1")).expectRedirect(path + "?notice=tags_note_saved");

        var admin = api.get("/v1/admin/customers/" + shopper.customerId()).bearer(shop.tenant().sk()).send()
                .expect(200);
        assertThat(admin.body().path("tags").toString()).isEqualTo("[\"<b>Berlin</b>\",\"VIP\"]");
        assertThat(admin.str("note")).isEqualTo("Call <first>\nthen mail");
        page = client.get(path).expect(200);
        assertThat(page.html()).contains("value=\"&lt;b>Berlin&lt;/b>, VIP\"").contains("Call &lt;first&gt;")
                .doesNotContain("<b>Berlin").contains("name=\"version\" value=\"2\"");
        var changed = api.get("/v1/admin/audit?type=customer.updated&customer_id=" + shopper.customerId())
                .bearer(shop.tenant().sk()).send().expect(200).body().path("data").get(0);
        assertThat(changed.path("data").path("changed").toString()).contains("tags").contains("note");
        assertThat(changed.path("staff_id").asText()).isEqualTo(shop.ownerId());

        // the list filters by a tag, whatever its case, and keeps the filter on its export link
        var list = client.get("/dashboard/customers?tag=vip").expect(200);
        assertThat(list.html()).contains(shopper.email()).doesNotContain(other.email())
                .contains("/dashboard/customers/export?status=&amp;tag=vip");
        assertThat(client.get("/dashboard/customers?tag=nobody").html()).doesNotContain(shopper.email());
        client.get("/dashboard/customers?tag=a,b").expect(422);
        client.get("/dashboard/customers?tag=" + "t".repeat(256)).expect(422);

        // a form made before a change is refused rather than undoing it; bad tags are refused as the API refuses them
        client.submit(page, path + "/tags-note", Map.of("tags", "", "note", "", "version", "1"))
                .expectRedirect(path + "?notice=version_conflict");
        assertThat(client.get(path + "?notice=version_conflict").html()).contains("Nothing was saved: the customer "
                + "was changed meanwhile.");
        client.submit(page, path + "/tags-note", Map.of("tags", "t".repeat(256), "note", "", "version", "2"))
                .expect(422);
        client.submit(page, path + "/tags-note", Map.of("tags", "a", "note", "n".repeat(5001), "version", "2"))
                .expect(422);
        client.submit(page, path + "/tags-note", Map.of("tags", "a", "note", "")).expect(422);
        client.submit(page, "/dashboard/customers/cus_unknown/tags-note", Map.of("tags", "a", "note", "",
                "version", "1")).expect(404);
        client.post(path + "/tags-note", Map.of("tags", "a", "note", "", "version", "2")).expect(403);
        assertThat(api.get("/v1/admin/customers/" + shopper.customerId()).bearer(shop.tenant().sk()).send()
                .body().path("version").asLong()).isEqualTo(2);
        // clearing both
        client.submit(page, path + "/tags-note", Map.of("tags", " ", "note", " ", "version", "2")).expect(303);
        var cleared = api.get("/v1/admin/customers/" + shopper.customerId()).bearer(shop.tenant().sk()).send();
        assertThat(cleared.body().path("tags")).isEmpty();
        assertThat(cleared.body().path("note").isNull()).isTrue();
    }

    @Test
    void tagsAndNoteWhenSupportThenShownButNotEditable() {
        var shop = StaffFixtures.shop(api);
        var shopper = Fixtures.shopper(api, shop.tenant());
        api.post("/v1/admin/customers/" + shopper.customerId() + "/tags").bearer(shop.tenant().sk())
                .body(Map.of("add", List.of("vip"))).send().expect(200);
        var client = browser();
        client.login(shop.id(), StaffFixtures.addStaff(api, shop, "support"), Fixtures.PASSWORD).expect(303);
        String path = "/dashboard/customers/" + shopper.customerId();

        var page = client.get(path).expect(200);

        assertThat(page.html()).contains("id=\"customer-tags\">vip<").doesNotContain("Save tags and note");
        client.submit(page, path + "/tags-note", Map.of("tags", "", "note", "", "version", "2")).expect(403);
        assertThat(client.get("/dashboard/customers?tag=VIP").html()).contains(shopper.email());
    }

    @Test
    void sessionsWhenRevokedOneOrAllThenTokensRefused() {
        var shop = StaffFixtures.shop(api);
        var shopper = Fixtures.shopper(api, shop.tenant());
        var second = Fixtures.login(api, shop.tenant(), shopper.email(), shopper.password());
        var third = Fixtures.login(api, shop.tenant(), shopper.email(), shopper.password());
        var client = owner(shop);
        String path = "/dashboard/customers/" + shopper.customerId();
        var page = client.get(path).expect(200);
        assertThat(page.html()).contains(second.sessionId());
        client.submit(page, path + "/sessions/" + second.sessionId() + "/revoke", Map.of())
                .expectRedirect(path + "?notice=session_revoked");
        Tokens.assertRefused(api, shop.tenant(), second.accessToken());
        Tokens.introspect(api, shop.tenant(), third.accessToken()).expect(200);
        client.submit(page, path + "/sessions/" + second.sessionId() + "/revoke", Map.of()).expect(404);
        client.submit(page, path + "/sessions/revoke-all", Map.of()).expect(303);
        Tokens.assertRefused(api, shop.tenant(), third.accessToken());
        Tokens.assertRefused(api, shop.tenant(), shopper.accessToken());
        assertThat(client.get(path).html()).contains("No active sessions.");
    }

    @Test
    void deleteWhenOwnerConfirmsThenCustomerGone() {
        var shop = StaffFixtures.shop(api);
        var shopper = Fixtures.shopper(api, shop.tenant());
        var client = owner(shop);
        String path = "/dashboard/customers/" + shopper.customerId();
        var page = client.get(path).expect(200);
        client.submit(page, path + "/delete", Map.of()).expect(422);
        client.submit(page, path + "/delete", Map.of("confirm", "yes"))
                .expectRedirect("/dashboard/customers?notice=customer_deleted");
        client.get(path).expect(404);
        Tokens.assertRefused(api, shop.tenant(), shopper.accessToken());
        var recorded = AuditEvents.only(api, shop.tenant(), shopper.customerId(), "customer.deleted").path("data");
        assertThat(recorded.path("by").asText()).isEqualTo("admin");
        assertThat(recorded.path("staff_id").asText()).isEqualTo(shop.ownerId());
    }

    @Test
    void settingsWhenInvalidThenMessagesNextToFieldsAndNothingSaved() {
        var shop = StaffFixtures.shop(api);
        var client = confirmedOwner(shop);
        var page = client.get("/dashboard/settings").expect(200);
        assertThat(page.html()).contains("for=\"lockout_threshold\"").contains("value=\"10\"");
        var refused = client.submit(page, "/dashboard/settings", Map.of("lockout_threshold", "0",
                "password_min_length", "eight", "allowed_origins", "https://shop.example.com/path",
                "cart_merge_strategy", "merge", "access_token_ttl", "８６４００")).expect(422);
        assertThat(refused.html()).contains("id=\"lockout_threshold-error\"")
                .contains("lockout_threshold must be between 1 and 100.")
                .contains("password_min_length must be a whole number.").contains("value=\"eight\"")
                .contains("access_token_ttl must be a whole number.")
                .contains("aria-invalid=\"true\"");
        assertThat(api.get("/v1/admin/settings").bearer(shop.tenant().sk()).send().body()
                .path("lockout_threshold").asInt()).isEqualTo(10);
    }

    @Test
    void settingsWhenAnOriginHoldsAControlCharacterThenRefusedAsTheApiRefusesIt() {
        var shop = StaffFixtures.shop(api);
        var client = confirmedOwner(shop);
        Map<String, String> form = StaffFixtures.settingsForm(api, shop);
        // vertical tab and NEL are no line breaks in a textarea: they stay in the origin, which refuses them
        form.put("allowed_origins", "\u0001https://shop.example.com\nhttps://other.example.com\u001b\n"
                + "https://a.example.com\u000bhttps://b.example.com\nhttps://c.example.com\u0085");
        var refused = client.submit(client.get("/dashboard/settings").expect(200), "/dashboard/settings", form)
                .expect(422);
        assertThat(refused.html()).contains("id=\"allowed_origins-error\"");
        assertThat(api.get("/v1/admin/settings").bearer(shop.tenant().sk()).send().body().path("allowed_origins"))
                .isEmpty();
        form.put("allowed_origins", "\u00a0https://shop.example.com\u200b\n\n");
        client.submit(client.get("/dashboard/settings").expect(200), "/dashboard/settings", form)
                .expectRedirect("/dashboard/settings?notice=settings_saved");
        assertThat(api.get("/v1/admin/settings").bearer(shop.tenant().sk()).send().body().path("allowed_origins")
                .get(0).asText()).isEqualTo("https://shop.example.com");
    }

    @Test
    void settingsWhenValidThenSavedAsAll() {
        var shop = StaffFixtures.shop(api);
        var client = confirmedOwner(shop);
        var page = client.get("/dashboard/settings").expect(200);
        Map<String, String> form = StaffFixtures.settingsForm(api, shop);
        form.put("lockout_threshold", "4");
        form.put("require_activation", "on");
        form.put("allowed_origins", "https://shop.example.com\r\nhttps://m.shop.example.com:8443\r\n");
        client.submit(page, "/dashboard/settings", form).expectRedirect("/dashboard/settings?notice=settings_saved");
        var saved = api.get("/v1/admin/settings").bearer(shop.tenant().sk()).send().body();
        assertThat(saved.path("lockout_threshold").asInt()).isEqualTo(4);
        assertThat(saved.path("require_activation").asBoolean()).isTrue();
        assertThat(saved.path("deletion_requires_confirmation").asBoolean()).isTrue();
        assertThat(saved.path("allowed_origins")).hasSize(2);
        assertThat(client.get("/dashboard/settings?notice=settings_saved").html()).contains("The settings were saved.");
        // recorded as a PATCH of the three settings would be: those names, not every setting the form holds
        var recorded = api.get("/v1/admin/audit?type=settings.changed").bearer(shop.tenant().sk()).send().expect(200)
                .body().path("data").get(0);
        List<String> changed = new ArrayList<>();
        recorded.path("data").path("changed").forEach(name -> changed.add(name.asText()));
        assertThat(changed).containsExactlyInAnyOrder("lockout_threshold", "require_activation", "allowed_origins");
        assertThat(recorded.path("staff_id").asText()).isEqualTo(shop.ownerId());
    }

    /** A form loaded before another change to the settings saves the fields edited in it, and puts nothing back. */
    @Test
    void settingsWhenChangedElsewhereAfterTheFormWasLoadedThenOnlyTheFieldsEditedAreSaved() {
        var shop = StaffFixtures.shop(api);
        var client = confirmedOwner(shop);
        var page = client.get("/dashboard/settings").expect(200);
        Map<String, String> form = StaffFixtures.settingsForm(api, shop);
        var shown = java.util.regex.Pattern.compile("name=\"(shown\\.[a-z_]+)\" value=\"([^\"]*)\"")
                .matcher(page.html());
        while (shown.find()) {
            form.put(shown.group(1), shown.group(2));
        }
        assertThat(form).containsEntry("shown.lockout_threshold", "10");
        api.patch("/v1/admin/settings").bearer(shop.tenant().sk()).body(Map.of("lockout_threshold", 5)).send()
                .expect(200);

        form.put("password_min_length", "10");
        client.submit(page, "/dashboard/settings", form).expectRedirect("/dashboard/settings?notice=settings_saved");

        var saved = api.get("/v1/admin/settings").bearer(shop.tenant().sk()).send().body();
        assertThat(saved.path("lockout_threshold").asInt()).isEqualTo(5);
        assertThat(saved.path("password_min_length").asInt()).isEqualTo(10);
        var recorded = api.get("/v1/admin/audit?type=settings.changed").bearer(shop.tenant().sk()).send().expect(200)
                .body().path("data").get(0);
        assertThat(recorded.path("data").path("changed").toString()).isEqualTo("[\"password_min_length\"]");
    }

    @Test
    void apiKeysWhenCreatedThenShownOnceAndWorkUntilRevoked() {
        var shop = StaffFixtures.shop(api);
        var client = confirmedOwner(shop);
        var page = client.get("/dashboard/api-keys").expect(200);
        var created = client.submit(page, "/dashboard/api-keys", Map.of("kind", "secret", "name", "<ERP> sync"))
                .expect(201);
        String key = newKey(created);
        assertThat(key).startsWith("sk_").hasSize(46);
        api.get("/v1/admin/settings").bearer(key).send().expect(200);
        var listed = client.get("/dashboard/api-keys").expect(200);
        assertThat(listed.html()).doesNotContain(key).contains(key.substring(key.length() - 4))
                .contains("&lt;ERP&gt; sync");
        String keyId = listed.html().replaceAll("(?s).*?action=\"/dashboard/api-keys/([^/\"]+)/revoke\".*", "$1");
        client.submit(listed, "/dashboard/api-keys/" + keyId + "/revoke", Map.of())
                .expectRedirect("/dashboard/api-keys?notice=key_revoked");
        api.get("/v1/admin/settings").bearer(key).send().expect(401, "invalid_api_key");
        client.submit(listed, "/dashboard/api-keys", Map.of("kind", "master")).expect(422);
        client.submit(listed, "/dashboard/api-keys", Map.of("kind", "secret", "name", "x".repeat(101))).expect(422);
    }

    @Test
    void apiKeysWhenBoxesTickedThenTheSecretKeyHoldsThoseScopesAndTheListShowsEachKeys() {
        var shop = StaffFixtures.shop(api);
        var client = confirmedOwner(shop);
        var page = client.get("/dashboard/api-keys").expect(200);
        for (Permission permission : Permission.values()) {
            assertThat(page.html()).contains("value=\"" + permission.wire() + "\" checked");
        }

        String reader = newKey(client.submit(page, "/dashboard/api-keys", List.of(Map.entry("kind", "secret"),
                Map.entry("scopes", ""), Map.entry("scopes", "view_customers"), Map.entry("scopes", "view_audit")))
                .expect(201));
        String relay = newKey(client.submit(page, "/dashboard/api-keys", List.of(Map.entry("kind", "secret"),
                Map.entry("scopes", ""))).expect(201));
        // a publishable key has no scopes: the boxes, ticked as they are by default, do not apply to it
        client.submit(page, "/dashboard/api-keys", List.of(Map.entry("kind", "publishable"), Map.entry("scopes", ""),
                Map.entry("scopes", "view_customers"))).expect(201);

        api.get("/v1/admin/orders").bearer(reader).send().expect(200);
        api.get("/v1/admin/settings").bearer(reader).send().expect(403, "insufficient_scope");
        api.get("/v1/admin/orders").bearer(relay).send().expect(403, "insufficient_scope");
        api.post("/v1/anonymous").key(relay).send().expect(201);
        assertThat(client.get("/dashboard/api-keys").expect(200).html()).contains("<td>view customers, view audit</td>")
                .contains("<td>none (storefront only)</td>").contains("<td>all</td>");
        client.submit(page, "/dashboard/api-keys", List.of(Map.entry("kind", "secret"),
                Map.entry("scopes", "delete_everything"))).expect(422);
        assertThat(api.get("/v1/admin/api-keys").bearer(shop.tenant().sk()).send().expect(200).body().path("data"))
                .hasSize(5);
    }

    /** The key a creation answer shows once. */
    private static String newKey(DashboardClient.Page created) {
        return created.html().replaceAll("(?s).*id=\"new-key\"[^>]*value=\"([ps]k_[0-9A-Za-z]{43})\".*", "$1");
    }

    @Test
    void apiKeysWhenLastSecretKeyThenItStays() {
        var shop = StaffFixtures.shop(api);
        var client = confirmedOwner(shop);
        var page = client.get("/dashboard/api-keys").expect(200);
        for (String id : page.html().split("action=\"/dashboard/api-keys/")) {
            if (id.contains("/revoke\"") && id.contains("secret key")) {
                client.submit(page, "/dashboard/api-keys/" + id.substring(0, id.indexOf('/')) + "/revoke", Map.of())
                        .expect(409);
            }
        }
        api.get("/v1/admin/settings").bearer(shop.tenant().sk()).send().expect(200);
        client.submit(page, "/dashboard/api-keys/key_unknown/revoke", Map.of()).expect(404);
    }

    @Test
    void staffWhenAddedThenCanLogInAndWhenRemovedThenLoggedOut() {
        var shop = StaffFixtures.shop(api);
        var client = confirmedOwner(shop);
        var page = client.get("/dashboard/staff").expect(200);
        assertThat(page.html()).contains(shop.ownerEmail() + " (you)");
        var refused = client.submit(page, "/dashboard/staff", Map.of("email", "helper@example.com",
                "password", "password", "role", "support")).expect(422);
        assertThat(refused.html()).contains("id=\"staff-password-error\"").contains("value=\"helper@example.com\"")
                .doesNotContain("value=\"password\"");
        client.submit(page, "/dashboard/staff", Map.of("email", shop.ownerEmail(), "password", Fixtures.PASSWORD))
                .expect(409);
        client.submit(page, "/dashboard/staff", Map.of("email", "helper@example.com", "password", Fixtures.PASSWORD,
                "role", "support")).expectRedirect("/dashboard/staff?notice=staff_added");
        var helper = browser();
        helper.login(shop.id(), "helper@example.com", Fixtures.PASSWORD).expect(303);
        helper.get("/dashboard/customers").expect(200);
        String id = api.get("/v1/admin/staff").bearer(shop.tenant().sk()).send().body().path("data").get(1)
                .path("id").asText();
        client.submit(page, "/dashboard/staff/" + id + "/delete", Map.of())
                .expectRedirect("/dashboard/staff?notice=staff_removed");
        helper.get("/dashboard/customers").expectRedirect("/dashboard/login?notice=expired");
        client.submit(page, "/dashboard/staff/" + shop.ownerId() + "/delete", Map.of()).expect(409);
    }

    @Test
    void staffRoleWhenChangedThenItAppliesAtTheMembersNextClickAndTheLastOwnerStays() {
        var shop = StaffFixtures.shop(api);
        var client = confirmedOwner(shop);
        String email = StaffFixtures.addStaff(api, shop, "support");
        var helper = loggedIn(shop.id(), email, Fixtures.PASSWORD);
        helper.get("/dashboard/settings").expect(403);
        String id = StaffFixtures.login(api, shop.id(), email, Fixtures.PASSWORD).expect(200).str("staff_id");
        var page = client.get("/dashboard/staff").expect(200);
        assertThat(page.html()).contains("action=\"/dashboard/staff/" + id + "/role\"");

        client.submit(page, "/dashboard/staff/" + id + "/role", Map.of("role", "owner"))
                .expectRedirect("/dashboard/staff?notice=staff_role_changed");

        helper.get("/dashboard/settings").expect(200);
        assertThat(client.get("/dashboard/staff?notice=staff_role_changed").html()).contains("The role was changed.");
        client.submit(page, "/dashboard/staff/" + id + "/role", Map.of("role", "master")).expect(422);
        client.submit(page, "/dashboard/staff/staff_unknown/role", Map.of("role", "owner")).expect(404);
        var recorded = api.get("/v1/admin/audit?type=staff.role_changed").bearer(shop.tenant().sk()).send()
                .expect(200).body().path("data");
        assertThat(recorded).singleElement().satisfies(event -> {
            assertThat(event.path("staff_id").asText()).isEqualTo(shop.ownerId());
            assertThat(event.path("data").path("to").asText()).isEqualTo("owner");
        });

        // the owner makes themselves support: their own staff page is closed to them from then on
        client.submit(page, "/dashboard/staff/" + shop.ownerId() + "/role", Map.of("role", "support"))
                .expectRedirect("/dashboard/customers?notice=staff_role_changed");
        client.get("/dashboard/staff").expect(403);
        helper.confirm(Fixtures.PASSWORD);
        var helperPage = helper.get("/dashboard/staff").expect(200);
        helper.submit(helperPage, "/dashboard/staff/" + id + "/role", Map.of("role", "support")).expect(409);
        helper.get("/dashboard/settings").expect(200);
    }

    @Test
    void customerExportWhenOwnerThenDownloadedAsAFileAndWhenSupportThenNeitherOfferedNorServed() throws Exception {
        var shop = StaffFixtures.shop(api);
        var shopper = Fixtures.shopper(api, shop.tenant(), Map.of("first_name", "Grace"));
        String page = "/dashboard/customers/" + shopper.customerId();
        var client = owner(shop);
        assertThat(client.get(page).html()).contains("href=\"" + page + "/export\"");

        var download = client.get(page + "/export").expect(200);

        assertThat(download.header("Content-Disposition"))
                .isEqualTo("attachment; filename=\"" + shopper.customerId() + ".json\"");
        assertThat(download.header("Content-Type")).startsWith("application/json");
        JsonNode export = new ObjectMapper().readTree(download.html());
        assertThat(export.path("profile").path("first_name").asText()).isEqualTo("Grace");
        assertThat(api.get("/v1/admin/audit?type=customer.exported").bearer(shop.tenant().sk()).send().expect(200)
                .body().path("data").get(0).path("staff_id").asText()).isEqualTo(shop.ownerId());
        // a refusal is the error page, not a download; a path that names no customer is no file name
        var unknown = client.get("/dashboard/customers/cus_unknown/export").expect(404);
        assertThat(unknown.header("Content-Disposition")).isNull();
        assertThat(unknown.html()).contains("Not found");
        assertThat(client.get("/dashboard/customers/a%22%3B%20filename%3Devil.html/export").expect(404)
                .header("Content-Disposition")).isNull();

        var support = loggedIn(shop.id(), StaffFixtures.addStaff(api, shop, "support"), Fixtures.PASSWORD);
        assertThat(support.get(page).expect(200).html()).doesNotContain(page + "/export");
        support.get(page + "/export").expect(403);
    }

    @Test
    void customersExportWhenOwnerThenEveryCustomerAsCsvAndWhenSupportThenNeitherOfferedNorServed() {
        var shop = StaffFixtures.shop(api);
        var grace = Fixtures.shopper(api, shop.tenant(), Map.of("first_name", "=Grace"));
        var client = owner(shop);
        assertThat(client.get("/dashboard/customers?status=active").html())
                .contains("href=\"/dashboard/customers/export?status=active\"", "Export CSV");

        var download = client.get("/dashboard/customers/export?status=active").expect(200);

        assertThat(download.header("Content-Disposition")).isEqualTo("attachment; filename=\"customers.csv\"");
        assertThat(download.header("Content-Type")).startsWith("text/csv");
        assertThat(download.html()).startsWith("Customer ID,First Name,Last Name,Email,")
                .contains(grace.customerId() + ",'=Grace,," + grace.email() + ",");
        assertThat(api.get("/v1/admin/audit?type=customers.exported").bearer(shop.tenant().sk()).send().expect(200)
                .body().path("data").get(0).path("staff_id").asText()).isEqualTo(shop.ownerId());
        assertThat(client.get("/dashboard/customers/export?status=gone").expect(422)
                .header("Content-Disposition")).isNull();

        var support = loggedIn(shop.id(), StaffFixtures.addStaff(api, shop, "support"), Fixtures.PASSWORD);
        assertThat(support.get("/dashboard/customers").expect(200).html()).doesNotContain("Export CSV");
        support.get("/dashboard/customers/export").expect(403);
    }

    /**
     * The customer is erased while their download is on its way (past the server's buffer): the transfer breaks off,
     * and no error page is rendered into it.
     */
    @Test
    void customerExportWhenErasedAfterTheDownloadBeganThenItBreaksOffAndNoPageFollows() {
        var shop = StaffFixtures.shop(api);
        var shopper = Fixtures.shopper(api, shop.tenant());
        server.app.database().run(h -> {
            for (int i = 0; i < 60; i++) {
                h.createUpdate("INSERT INTO audit_events (tenant_id, id, customer_id, type, data, created_at) "
                                + "VALUES (:tenant, :id, :customer, 'login.succeeded', :data, CURRENT_TIMESTAMP)")
                        .bind("tenant", shop.tenant().id()).bind("id", "evt_big_" + i)
                        .bind("customer", shopper.customerId()).bind("data", "{\"note\":\"" + "x".repeat(3_000) + "\"}")
                        .execute();
            }
        });
        var client = owner(shop);
        String download = "/dashboard/customers/" + shopper.customerId() + "/export";

        try (var log = dev.latchkey.testing.LogCapture.all()) {
            Throwable broken = catchThrowable(() -> RowLocks.commitWhileWaiting(server,
                    new RowLocks.Sql("UPDATE customers SET email = email WHERE tenant_id = ? AND id = ?",
                            shop.tenant().id(), shopper.customerId()),
                    () -> client.get(download),
                    new RowLocks.Sql("DELETE FROM customers WHERE tenant_id = ? AND id = ?", shop.tenant().id(),
                            shopper.customerId())));

            assertThat(broken).as("a transfer that breaks off").isNotNull();
            // answered as an API export is: the cut is logged as such, and no error page is rendered after it
            assertThat(log.lines()).anyMatch(line -> line.contains(download + " failed after its answer began"));
        }
    }

    @Test
    void apiKeysAndStaffWhenMoreThanAPageThenEveryOneIsReachedPageByPage() {
        var shop = StaffFixtures.shop(api);
        for (int i = 0; i < 50; i++) {
            api.post("/v1/admin/api-keys").bearer(shop.tenant().sk()).body(Map.of("kind", "publishable")).send()
                    .expect(201);
        }
        for (int i = 0; i < 50; i++) {
            StaffFixtures.addStaff(api, shop, "support");
        }
        var client = confirmedOwner(shop);
        for (String list : List.of("/dashboard/api-keys", "/dashboard/staff")) {
            var first = client.get(list).expect(200);
            String next = first.html().replaceAll("(?s).*<a href=\"([^\"]+)\" rel=\"next\">.*", "$1")
                    .replace("&amp;", "&");
            assertThat(next).as(list).startsWith(list + "?cursor=");
            var second = client.get(next).expect(200);
            assertThat(second.html()).as(list).doesNotContain("rel=\"next\"");
            String rows = first.html() + second.html();
            if (list.endsWith("api-keys")) {
                // the tenant's first secret key is the oldest: on the second page, and revocable there
                assertThat(first.html()).doesNotContain("sk_…");
                assertThat(second.html()).contains("sk_…").contains("/revoke\"");
            } else {
                assertThat(rows).contains(shop.ownerEmail());
                assertThat(rows.split("action=\"/dashboard/staff/staff_[^/]+/delete\"", -1)).hasSize(52);
            }
        }
        client.get("/dashboard/api-keys?cursor=not-a-cursor").expect(422);
    }

    @Test
    void changeOwnPasswordWhenSupportThenOtherSessionsEndThisOneGoesOnAndRefusalsShownByTheirFields() {
        var shop = StaffFixtures.shop(api);
        String email = StaffFixtures.addStaff(api, shop, "support");
        var client = loggedIn(shop.id(), email, Fixtures.PASSWORD);
        var elsewhere = loggedIn(shop.id(), email, Fixtures.PASSWORD);
        String apiToken = StaffFixtures.login(api, shop.id(), email, Fixtures.PASSWORD).expect(200).str("access_token");
        var page = client.get("/dashboard/account").expect(200);
        assertThat(page.html()).contains(email).contains("href=\"/dashboard/account\" aria-current=\"page\"");

        var wrong = client.submit(page, "/dashboard/account/password", Map.of("current_password", "not it at all",
                "new_password", "lantern orchard velvet compass")).expect(403);
        assertThat(wrong.html()).contains("id=\"current-password-error\"").doesNotContain("not it at all")
                .contains("locked for a while"); // a locked account's right password is refused alike
        var weak = client.submit(page, "/dashboard/account/password", Map.of("current_password", Fixtures.PASSWORD,
                "new_password", "short")).expect(422);
        assertThat(weak.html()).contains("id=\"new-password-error\"");
        client.submit(page, "/dashboard/account/password", Map.of("new_password", "lantern orchard velvet compass"))
                .expect(422);
        elsewhere.get("/dashboard/customers").expect(200);

        client.submit(page, "/dashboard/account/password", Map.of("current_password", Fixtures.PASSWORD,
                "new_password", "lantern orchard velvet compass"))
                .expectRedirect("/dashboard/account?notice=password_changed");

        client.get("/dashboard/customers").expect(200);
        elsewhere.get("/dashboard/customers").expectRedirect("/dashboard/login?notice=expired");
        api.get("/v1/admin/customers").bearer(apiToken).send().expect(401, "invalid_token");
        StaffFixtures.login(api, shop.id(), email, "lantern orchard velvet compass").expect(200);
    }

    @Test
    void setMemberPasswordWhenOwnerThenMemberLoggedOutAndLogsInWithIt() {
        var shop = StaffFixtures.shop(api);
        String email = StaffFixtures.addStaff(api, shop, "support");
        var member = loggedIn(shop.id(), email, Fixtures.PASSWORD);
        String memberId = StaffFixtures.login(api, shop.id(), email, Fixtures.PASSWORD).expect(200).str("staff_id");
        var client = confirmedOwner(shop);
        var page = client.get("/dashboard/staff").expect(200);
        assertThat(page.html()).contains("<option value=\"" + memberId + "\"")
                .doesNotContain("<option value=\"" + shop.ownerId() + "\"");

        var refused = client.submit(page, "/dashboard/staff/password", Map.of("staff_id", memberId,
                "new_password", "short")).expect(422);
        assertThat(refused.html()).contains("id=\"member-password-error\"");
        client.submit(page, "/dashboard/staff/password", Map.of("staff_id", "staff_unknown",
                "new_password", "lantern orchard velvet compass")).expect(404);
        member.get("/dashboard/customers").expect(200);
        member.get("/dashboard/account").expect(200);
        member.submit(member.get("/dashboard/account"), "/dashboard/staff/password", Map.of("staff_id", shop.ownerId(),
                "new_password", "lantern orchard velvet compass")).expect(403);
        // not the owner's own either: that change asks for the current password, on the account page
        client.submit(page, "/dashboard/staff/password", Map.of("staff_id", shop.ownerId(),
                "new_password", "lantern orchard velvet compass")).expect(403);

        client.submit(page, "/dashboard/staff/password", Map.of("staff_id", memberId,
                "new_password", "lantern orchard velvet compass"))
                .expectRedirect("/dashboard/staff?notice=staff_password_set");

        member.get("/dashboard/customers").expectRedirect("/dashboard/login?notice=expired");
        StaffFixtures.login(api, shop.id(), email, Fixtures.PASSWORD).expect(401, "invalid_credentials");
        StaffFixtures.login(api, shop.id(), email, "lantern orchard velvet compass").expect(200);
        StaffFixtures.login(api, shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(200);
    }

    @Test
    void formWhenFieldHoldsARawNulByteThenClientErrorPageNotServerError() {
        var shop = StaffFixtures.shop(api);
        var client = browser();
        var form = client.get("/dashboard/login").expect(200);
        // a NUL byte as it is, not percent-encoded: the form's decoding passes it on all the same
        var login = client.postRaw("/dashboard/login", "application/x-www-form-urlencoded", "tenant_id="
                + shop.id() + "\u0000x&email=" + enc(shop.ownerEmail()) + "&password=" + enc(shop.ownerPassword())
                + "&_csrf=" + enc(form.csrf()));
        assertThat(login.status()).as("status of %s", login.html()).isEqualTo(400);
        assertThat(login.html()).contains("NUL character");
        assertThat(client.cookies()).doesNotContainKey("latchkey_dashboard");
        var owner = confirmedOwner(shop);
        var page = owner.get("/dashboard/staff").expect(200);
        var setPassword = owner.postRaw("/dashboard/staff/password", "application/x-www-form-urlencoded",
                "staff_id=staff_\u0000x&new_password=" + enc("lantern orchard velvet compass") + "&_csrf="
                        + enc(page.csrf()));
        assertThat(setPassword.status()).as("status of %s", setPassword.html()).isEqualTo(400);
        owner.get("/dashboard/customers").expect(200);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void formWhenNulOrLargerThanTheServerTakesOrNotUrlEncodedThenClientErrorPageNotServerError() {
        var shop = StaffFixtures.shop(api);
        var nul = browser().login(shop.id() + "\u0000", shop.ownerEmail(), shop.ownerPassword());
        assertThat(nul.status()).isEqualTo(400);
        var large = browser().login(shop.id(), shop.ownerEmail(), "a".repeat(1_100_000));
        assertThat(large.status()).isEqualTo(413);
        assertThat(large.html()).contains("larger than the server accepts");
        String multipart = "--b\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nx\r\n--b--\r\n";
        var notAForm = browser().postRaw("/dashboard/login", "multipart/form-data; boundary=b", multipart);
        assertThat(notAForm.status()).isEqualTo(415);
        assertThat(notAForm.html()).contains("application/x-www-form-urlencoded");
        var client = owner(shop);
        client.postRaw("/dashboard/logout", "multipart/form-data; boundary=b", multipart).expect(415);
        client.postRaw("/dashboard/logout", "text/plain", "_csrf=x").expect(415);
        owner(shop).get("/dashboard/customers").expect(200);
    }

    @Test
    void formWhenCharsetUnknownThenUnsupportedMediaTypePageNotServerError() {
        var shop = StaffFixtures.shop(api);
        for (String charset : List.of("bogus-xyz", "@@@")) {
            var refused = browser().postRaw("/dashboard/login", "application/x-www-form-urlencoded; charset=" + charset,
                    "a=b");
            assertThat(refused.status()).as(charset).isEqualTo(415);
            assertThat(refused.html()).as(charset).contains("UTF-8");
        }
        var client = owner(shop);
        client.postRaw("/dashboard/logout", "application/x-www-form-urlencoded; charset=bogus-xyz", "_csrf=x")
                .expect(415);
        client.get("/dashboard/customers").expect(200);
    }

    @Test
    void formWhenNoContentTypeOrAnEmptyOrNonUtf8CharsetThenUnsupportedMediaTypeAndNothingLogged() {
        var shop = StaffFixtures.shop(api);
        try (var log = LogCapture.all()) {
            for (String contentType : new String[]{null, ";", "application/x-www-form-urlencoded; charset=",
                    "application/x-www-form-urlencoded; charset=\"\"", "application/x-www-form-urlencoded; charset=utf-16",
                    "application/x-www-form-urlencoded; charset=us-ascii", "application/x-www-form-urlencoded;charset",
                    "application/x-www-form-urlencoded; charsetx=bogus"}) {
                var refused = browser().postRaw("/dashboard/login", contentType, "a=b");
                assertThat(refused.status()).as(contentType).isEqualTo(415);
            }
            var client = owner(shop);
            client.postRaw("/dashboard/logout", null, "").expect(415);
            // two Content-Type fields, the form's first: a body has one type
            for (String second : List.of("text/plain", "application/x-www-form-urlencoded; charset=latin1")) {
                assertThat(browser().header("Content-Type", second)
                        .postRaw("/dashboard/login", "application/x-www-form-urlencoded", "a=b").status())
                        .as(second).isEqualTo(415);
            }
            // a page is read the same whatever a GET's Content-Type names
            var page = browser().header("Content-Type", "text/plain;charset").get("/dashboard/login?notice=expired")
                    .expect(200);
            assertThat(page.header("Content-Security-Policy")).isNotNull();
            assertThat(log.lines()).noneMatch(line -> line.contains("Exception"));
            client.get("/dashboard/customers").expect(200);
        }
        // the charsets a form may name
        for (String charset : List.of("utf-8", "UTF-8", "\"utf-8\"")) {
            var form = browser();
            var page = form.get("/dashboard/login").expect(200);
            var answer = form.postRaw("/dashboard/login", "application/x-www-form-urlencoded; charset=" + charset,
                    "_csrf=" + enc(page.csrf()) + "&tenant_id=" + enc(shop.id()) + "&email=" + enc(shop.ownerEmail())
                            + "&password=" + enc(shop.ownerPassword()));
            assertThat(answer.status()).as(charset).isEqualTo(303);
        }
    }
}
