package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Sudo mode": the Staff, API keys and Settings pages ask an owner's password again before they show or change
 * anything, and act for ten minutes after it in that session only (an email's form:
 * {@link DashboardMailTemplatesTest}).
 */
class DashboardConfirmTest extends ApiTest {
    private static final String NEW_PASSWORD = "lantern orchard velvet compass";

    private DashboardClient owner(StaffFixtures.Shop shop) {
        return StaffTwoStep.owner(api, shop);
    }

    @Test
    void guardedPageWhenUnconfirmedThenTheConfirmationFormInsteadOfThePage() {
        var shop = StaffFixtures.shop(api);
        var client = owner(shop);
        for (String next : List.of("staff", "api-keys", "settings")) {
            var form = client.get("/dashboard/" + next).expect(200);
            assertThat(form.html()).as(next).contains("<h1>Confirm your password</h1>")
                    .contains("action=\"/dashboard/confirm\"").contains("name=\"next\" value=\"" + next + "\"")
                    .contains("<label for=\"confirm-password\">").contains("id=\"confirm-password\" name=\"password\"")
                    .contains("aria-current=\"page\"").contains("10 minutes")
                    .doesNotContain("Nothing was changed")
                    .doesNotContain(shop.ownerEmail() + " (you)").doesNotContain("Create a key").doesNotContain("sk_…")
                    .doesNotContain("name=\"at\"").doesNotContain("lockout_threshold");
            assertThat(form.csrf()).isNotBlank();
        }
        // the owner's other pages ask nothing
        for (String page : List.of("/dashboard/identity-providers", "/dashboard/mail-templates")) {
            assertThat(client.get(page).expect(200).html()).as(page).doesNotContain("Confirm your password");
        }
    }

    @Test
    void changesWhenUnconfirmedThenRefusedAndNothingChanged() {
        var shop = StaffFixtures.shop(api);
        String email = StaffFixtures.addStaff(api, shop, "support");
        String memberId = StaffFixtures.login(api, shop.id(), email, Fixtures.PASSWORD).expect(200).str("staff_id");
        String keyId = keys(shop).get(0).path("id").asText();
        JsonNode staffBefore = staff(shop);
        var client = owner(shop);
        var page = client.get("/dashboard/customers").expect(200);

        List<DashboardClient.Page> refused = new ArrayList<>();
        refused.add(client.submit(page, "/dashboard/staff", Map.of("email", "taker@example.com",
                "password", NEW_PASSWORD, "role", "owner")));
        refused.add(client.submit(page, "/dashboard/staff/password", Map.of("staff_id", memberId,
                "new_password", NEW_PASSWORD)));
        refused.add(client.submit(page, "/dashboard/staff/" + memberId + "/role", Map.of("role", "owner")));
        refused.add(client.submit(page, "/dashboard/staff/" + memberId + "/delete", Map.of()));
        refused.add(client.submit(page, "/dashboard/api-keys", Map.of("kind", "secret")));
        refused.add(client.submit(page, "/dashboard/api-keys/" + keyId + "/revoke", Map.of()));

        for (var answer : refused) {
            assertThat(answer.expect(403).html()).contains("Nothing was changed").contains("Confirm your password")
                    .contains("action=\"/dashboard/confirm\"").doesNotContain("sk_");
        }
        assertThat(staff(shop)).isEqualTo(staffBefore);
        StaffFixtures.login(api, shop.id(), email, Fixtures.PASSWORD).expect(200);
        assertThat(keys(shop)).hasSize(2).allSatisfy(key -> assertThat(key.path("revoked_at").isNull()).isTrue());
        api.get("/v1/admin/settings").bearer(shop.tenant().sk()).send().expect(200);
        for (String type : List.of("staff.created", "staff.password_changed", "staff.role_changed", "staff.deleted",
                "api_key.created", "api_key.revoked")) {
            assertThat(StaffFixtures.events(api, shop, type)).as(type).noneMatch(event -> event.path("staff_id").isTextual());
        }
    }

    /**
     * The settings decide where the links mailed to shoppers lead (the allowed origins), and how well the shop's
     * accounts are kept (passkeys, staff's second factor, the lockout, the password policy).
     */
    @Test
    void settingsWhenUnconfirmedThenASaveIsRefusedAndNothingChangesUntilThePasswordIsGiven() {
        var shop = StaffFixtures.shop(api);
        var client = owner(shop);
        JsonNode before = settings(shop);
        Map<String, String> weaker = StaffFixtures.settingsForm(api, shop);
        weaker.put("allowed_origins", "https://evil.example");
        weaker.put("lockout_threshold", "100");
        weaker.put("webauthn_rp_id", "evil.example");
        weaker.remove("require_email_verification");

        var refused = client.submit(client.get("/dashboard/customers").expect(200), "/dashboard/settings", weaker)
                .expect(403);

        assertThat(refused.html()).contains("Nothing was changed").contains("name=\"next\" value=\"settings\"")
                .doesNotContain("evil.example");
        assertThat(settings(shop)).isEqualTo(before);
        assertThat(StaffFixtures.events(api, shop, "settings.changed")).isEmpty();

        client.confirm("settings", shop.ownerPassword()).expectRedirect("/dashboard/settings");
        var page = client.get("/dashboard/settings").expect(200);
        assertThat(page.html()).contains("name=\"lockout_threshold\"").doesNotContain("Confirm your password");
        client.submit(page, "/dashboard/settings", weaker).expectRedirect("/dashboard/settings?notice=settings_saved");
        JsonNode after = settings(shop);
        assertThat(after.path("allowed_origins").get(0).asText()).isEqualTo("https://evil.example");
        assertThat(after.path("lockout_threshold").asInt()).isEqualTo(100);
        assertThat(after.path("webauthn_rp_id").asText()).isEqualTo("evil.example");
        assertThat(StaffFixtures.events(api, shop, "settings.changed")).singleElement()
                .satisfies(event -> assertThat(event.path("staff_id").asText()).isEqualTo(shop.ownerId()));
    }

    @Test
    void confirmWhenWrongPasswordThenRefusedCountedByTheLockoutAndRecorded() {
        var shop = StaffFixtures.shop(api, Map.of("lockout_threshold", 2));
        var client = owner(shop);

        var wrong = client.confirm("staff", "not my password at all").expect(403);

        assertThat(wrong.html()).contains("id=\"confirm-password-error\"").contains("not correct, or your account is "
                + "locked for a while").contains("name=\"next\" value=\"staff\"").doesNotContain("not my password");
        assertThat(StaffFixtures.events(api, shop, "staff.password_check_failed")).singleElement().satisfies(event -> {
            assertThat(event.path("staff_id").asText()).isEqualTo(shop.ownerId());
            assertThat(event.path("data").path("action").asText()).isEqualTo("confirm");
            assertThat(event.path("data").path("reason").asText()).isEqualTo("wrong_password");
        });
        client.confirm("api-keys", "another wrong guess").expect(403);
        // the threshold is reached: the account is locked, and now even the right password is refused
        client.confirm("staff", shop.ownerPassword()).expect(403);
        assertThat(StaffFixtures.events(api, shop, "staff.password_check_failed").get(0).path("data").path("reason").asText())
                .isEqualTo("locked");
        assertThat(StaffFixtures.events(api, shop, "staff.locked")).hasSize(1);
        StaffFixtures.login(api, shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(401, "invalid_credentials");
        assertThat(client.get("/dashboard/staff").expect(200).html()).contains("Confirm your password");
        assertThat(StaffFixtures.events(api, shop, "staff.confirmed")).isEmpty();
    }

    @Test
    void confirmWhenRightPasswordThenThePageAndItsActionsWorkForTenMinutes() {
        var shop = StaffFixtures.shop(api);
        var client = owner(shop);

        client.confirm("api-keys", shop.ownerPassword()).expectRedirect("/dashboard/api-keys");

        assertThat(client.get("/dashboard/api-keys").expect(200).html()).contains("Create a key");
        assertThat(StaffFixtures.events(api, shop, "staff.confirmed")).singleElement()
                .satisfies(event -> assertThat(event.path("staff_id").asText()).isEqualTo(shop.ownerId()));
        var page = client.get("/dashboard/staff").expect(200);
        assertThat(page.html()).contains(shop.ownerEmail() + " (you)");
        client.submit(page, "/dashboard/staff", Map.of("email", "helper@example.com", "password", Fixtures.PASSWORD,
                "role", "support")).expectRedirect("/dashboard/staff?notice=staff_added");

        server.clock.advance(Duration.ofMinutes(9));
        var later = client.get("/dashboard/staff").expect(200);
        assertThat(later.html()).contains("helper@example.com");
        server.clock.advance(Duration.ofMinutes(1));

        // the form was loaded while confirmed, but is sent after the ten minutes
        var refused = client.submit(later, "/dashboard/staff", Map.of("email", "taker@example.com",
                "password", Fixtures.PASSWORD, "role", "owner")).expect(403);
        assertThat(refused.html()).contains("Nothing was changed");
        assertThat(staff(shop)).hasSize(2);
        assertThat(client.get("/dashboard/api-keys").expect(200).html()).contains("Confirm your password");
        client.confirm(shop.ownerPassword());
        client.submit(client.get("/dashboard/staff").expect(200), "/dashboard/staff", Map.of(
                "email", "taker@example.com", "password", Fixtures.PASSWORD, "role", "owner"))
                .expectRedirect("/dashboard/staff?notice=staff_added");
    }

    @Test
    void confirmWhenGivenInOneSessionThenAnotherSessionOfTheSameOwnerIsNotConfirmed() {
        var shop = StaffFixtures.shop(api);
        var confirmed = owner(shop);
        var other = owner(shop);
        confirmed.confirm(shop.ownerPassword());

        assertThat(other.get("/dashboard/staff").expect(200).html()).contains("Confirm your password");
        other.submit(other.get("/dashboard/customers"), "/dashboard/api-keys", Map.of("kind", "secret")).expect(403);
        // a new login starts unconfirmed too
        var fresh = owner(shop);
        assertThat(fresh.get("/dashboard/api-keys").expect(200).html()).contains("Confirm your password");
        confirmed.get("/dashboard/api-keys").expect(200);
        assertThat(keys(shop)).hasSize(2);
    }

    @Test
    void confirmWhenNextIsNotOneOfTheGuardedPagesThenRefusedAndNeverRedirectedThere() {
        var shop = StaffFixtures.shop(api);
        var client = owner(shop);
        var form = client.get("/dashboard/staff").expect(200);
        for (String next : List.of("https://evil.example/", "//evil.example", "/dashboard/staff", "customers",
                "identity-providers", "")) {
            var refused = client.submit(form, "/dashboard/confirm", Map.of("next", next,
                    "password", shop.ownerPassword())).expect(422);
            assertThat(refused.header("Location")).as(next).isNull();
        }
        // a place on the page: an email's form only, named by its template and language, never an address
        Map<String, List<String>> places = Map.of("mail-templates", List.of("https://evil.example/", "//evil.example",
                "/dashboard/staff", "verify_email", "verify_email/en/preview", "welcome_email/en", "verify_email/<b>",
                "verify_email/en/../../../staff", "/verify_email/en"), "staff", List.of("verify_email/en", "x"));
        places.forEach((next, ats) -> ats.forEach(at -> {
            var refused = client.submit(form, "/dashboard/confirm", Map.of("next", next, "at", at,
                    "password", shop.ownerPassword())).expect(422);
            assertThat(refused.header("Location")).as(next + " at " + at).isNull();
        }));
        client.submit(form, "/dashboard/confirm", Map.of("password", shop.ownerPassword())).expect(422);
        assertThat(client.get("/dashboard/staff").html()).contains("Confirm your password");
        assertThat(StaffFixtures.events(api, shop, "staff.password_check_failed")).isEmpty();
    }

    @Test
    void confirmWhenCsrfMissingOrWrongOrFromAnotherSiteThenForbiddenAndNotConfirmed() {
        var shop = StaffFixtures.shop(api);
        var client = owner(shop);
        var form = client.get("/dashboard/staff").expect(200);
        client.post("/dashboard/confirm", Map.of("next", "staff", "password", shop.ownerPassword())).expect(403);
        client.post("/dashboard/confirm", Map.of("next", "staff", "password", shop.ownerPassword(),
                "_csrf", "0".repeat(64))).expect(403);
        client.header("Sec-Fetch-Site", "cross-site").submit(form, "/dashboard/confirm", Map.of("next", "staff",
                "password", shop.ownerPassword())).expect(403);
        client.header("Sec-Fetch-Site", "same-origin");
        assertThat(client.get("/dashboard/staff").expect(200).html()).contains("Confirm your password");
        // logged out, the form leads to the login page
        new DashboardClient(api.baseUrl()).post("/dashboard/confirm", Map.of("next", "staff", "password", "x"))
                .expectRedirect("/dashboard/login");
    }

    @Test
    void confirmWhenPasswordEmptyThenAskedAgainAndNothingCounted() {
        var shop = StaffFixtures.shop(api);
        var client = owner(shop);
        var refused = client.confirm("staff", "").expect(422);
        assertThat(refused.html()).contains("Enter your password.").contains("aria-invalid=\"true\"");
        assertThat(StaffFixtures.events(api, shop, "staff.password_check_failed")).isEmpty();
    }

    @Test
    void guardedPagesWhenSupportThenForbiddenBeforeAnyConfirmation() {
        var shop = StaffFixtures.shop(api);
        var support = StaffTwoStep.support(api, shop);
        for (String next : List.of("staff", "api-keys", "settings")) {
            assertThat(support.get("/dashboard/" + next).expect(403).html()).as(next)
                    .doesNotContain("Confirm your password");
        }
        var page = support.get("/dashboard/customers").expect(200);
        for (String next : List.of("staff", "settings")) {
            support.submit(page, "/dashboard/confirm", Map.of("next", next, "password", Fixtures.PASSWORD))
                    .expect(403);
        }
        support.submit(page, "/dashboard/staff/" + shop.ownerId() + "/delete", Map.of()).expect(403);
        assertThat(support.submit(page, "/dashboard/settings", Map.of("lockout_threshold", "3")).expect(403).html())
                .doesNotContain("Confirm your password");
        assertThat(StaffFixtures.events(api, shop, "staff.confirmed")).isEmpty();
    }

    private JsonNode settings(StaffFixtures.Shop shop) {
        return api.get("/v1/admin/settings").bearer(shop.tenant().sk()).send().expect(200).body();
    }

    private JsonNode staff(StaffFixtures.Shop shop) {
        return api.get("/v1/admin/staff").bearer(shop.tenant().sk()).send().expect(200).body().path("data");
    }

    private List<JsonNode> keys(StaffFixtures.Shop shop) {
        List<JsonNode> keys = new ArrayList<>();
        api.get("/v1/admin/api-keys").bearer(shop.tenant().sk()).send().expect(200).body().path("data")
                .forEach(keys::add);
        return keys;
    }

}
