package dev.latchkey.staff;

import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.latchkey.testing.Problems.assertInvalid;
import static dev.latchkey.testing.StaffFixtures.login;
import static org.assertj.core.api.Assertions.assertThat;

class StaffApiTest extends ApiTest {
    @Test
    void createTenantWithOwnerThenOwnerShownWithoutPassword() {
        var shop = StaffFixtures.shop(api);
        var staff = api.get("/v1/admin/staff").bearer(shop.tenant().sk()).send().expect(200);
        assertThat(staff.body().path("data")).hasSize(1);
        assertThat(staff.body().path("data").get(0).path("role").asText()).isEqualTo("owner");
        assertThat(staff.body().path("data").get(0).path("email").asText()).isEqualTo(shop.ownerEmail());
        assertThat(staff.raw()).doesNotContain("password");
    }

    @Test
    void createTenantWhenOwnerPasswordTooShortThenRefusedAndNothingCreated() {
        String id = Fixtures.uniqueId("t");
        Map<String, Object> owner = Map.of("email", "boss@example.com", "password", "short1");
        var res = api.post("/v1/platform/tenants").bearer(TestServer.PLATFORM_TOKEN)
                .body(Map.of("id", id, "name", "Shop", "owner", owner)).send();
        assertInvalid(res, "owner.password", "too_short");
        api.post("/v1/platform/tenants").bearer(TestServer.PLATFORM_TOKEN)
                .body(Map.of("id", id, "name", "Shop")).send().expect(201);
    }

    @Test
    void createTenantWhenOwnerEmailMissingOrNotObjectThenNamed() {
        var missing = api.post("/v1/platform/tenants").bearer(TestServer.PLATFORM_TOKEN)
                .body(Map.of("id", Fixtures.uniqueId("t"), "name", "Shop", "owner", Map.of("password", Fixtures.PASSWORD)))
                .send();
        assertInvalid(missing, "owner.email", "required");
        var wrongType = api.post("/v1/platform/tenants").bearer(TestServer.PLATFORM_TOKEN)
                .body(Map.of("id", Fixtures.uniqueId("t"), "name", "Shop", "owner", "boss")).send();
        assertInvalid(wrongType, "owner", "invalid_type");
    }

    @Test
    void loginWhenOwnerThenTokenOpensOwnerRoutes() {
        var shop = StaffFixtures.shop(api);
        var res = login(api, shop.id(), shop.ownerEmail().toUpperCase(), shop.ownerPassword()).expect(200);
        assertThat(res.str("role")).isEqualTo("owner");
        assertThat(res.body().path("expires_in").asLong()).isEqualTo(43_200L);
        assertThat(res.header("Cache-Control")).isEqualTo("no-store");
        String token = res.str("access_token");
        api.get("/v1/admin/settings").bearer(token).send().expect(200);
        api.patch("/v1/admin/settings").bearer(token).body(Map.of("lockout_threshold", 5)).send().expect(200);
        api.get("/v1/admin/staff").bearer(token).send().expect(200);
    }

    @Test
    void loginWhenWrongPasswordUnknownEmailOrUnknownTenantThenSameAnswer() {
        var shop = StaffFixtures.shop(api);
        login(api, shop.id(), shop.ownerEmail(), "wrong password here").expect(401, "invalid_credentials");
        login(api, shop.id(), "nobody@example.com", shop.ownerPassword()).expect(401, "invalid_credentials");
        login(api, "no-such-tenant", shop.ownerEmail(), shop.ownerPassword()).expect(401, "invalid_credentials");
        // a shopper's account is not a staff account
        var shopper = Fixtures.shopper(api, shop.tenant());
        login(api, shop.id(), shopper.email(), shopper.password()).expect(401, "invalid_credentials");
    }

    @Test
    void loginWhenBadInputThenRefused() {
        api.post("/v1/admin/staff/login").body("{not json").send().expect(400, "malformed_json");
        var res = api.post("/v1/admin/staff/login").body(Map.of("email", 7)).send();
        assertInvalid(res, "tenant_id", "required");
        assertInvalid(res, "email", "invalid_type");
        assertInvalid(res, "password", "required");
    }

    @Test
    void loginWhenThresholdReachedThenLockedEvenWithRightPasswordUntilItExpires() {
        var shop = StaffFixtures.shop(api, Map.of("lockout_threshold", 3, "lockout_duration", 600));
        for (int i = 0; i < 3; i++) {
            login(api, shop.id(), shop.ownerEmail(), "wrong password " + i).expect(401, "invalid_credentials");
        }
        login(api, shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(401, "invalid_credentials");
        var locked = api.get("/v1/admin/audit?type=staff.locked").bearer(shop.tenant().sk()).send().expect(200);
        assertThat(locked.body().path("data")).hasSize(1);
        assertThat(locked.body().path("data").get(0).path("staff_id").asText()).isEqualTo(shop.ownerId());
        server.clock.advance(Duration.ofSeconds(601));
        login(api, shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(200);
    }

    @Test
    void supportWhenOwnerOnlyRoutesThenInsufficientScope() {
        var shop = StaffFixtures.shop(api);
        String support = StaffFixtures.supportToken(api, shop);
        api.get("/v1/admin/settings").bearer(support).send().expect(403, "insufficient_scope");
        api.patch("/v1/admin/settings").bearer(support).body(Map.of("lockout_threshold", 5)).send()
                .expect(403, "insufficient_scope");
        api.get("/v1/admin/staff").bearer(support).send().expect(403, "insufficient_scope");
        api.post("/v1/admin/staff").bearer(support)
                .body(Map.of("email", "x@example.com", "password", Fixtures.PASSWORD)).send()
                .expect(403, "insufficient_scope");
        api.delete("/v1/admin/staff/" + shop.ownerId()).bearer(support).send().expect(403, "insufficient_scope");
        api.post("/v1/admin/customers").bearer(support)
                .body(Map.of("email", Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD)).send()
                .expect(403, "insufficient_scope");
        assertThat(api.get("/v1/admin/settings").bearer(shop.tenant().sk()).send().expect(200)
                .body().path("lockout_threshold").asInt()).isEqualTo(10);
    }

    /** Support staff look orders up by number, guest orders too, but record or change none. */
    @Test
    void supportWhenReadingAnOrderThenAllowedButNotWhenRecordingOrChangingOne() {
        var shop = StaffFixtures.shop(api);
        String support = StaffFixtures.supportToken(api, shop);
        String number = Fixtures.uniqueId("R");
        Map<String, Object> order = Map.of("number", number, "email", Fixtures.uniqueEmail(), "status", "paid",
                "currency", "EUR", "total", "9.95", "placed_at", "2026-05-08T13:00:00Z",
                "lines", List.of(Map.of("sku", "MUG-1", "name", "Mug", "quantity", 1, "unit_price", "9.95")));
        api.post("/v1/admin/orders").bearer(support).body(order).send().expect(403, "insufficient_scope");
        api.post("/v1/admin/orders").bearer(shop.tenant().sk()).body(order).send().expect(201);

        assertThat(api.get("/v1/admin/orders/" + number).bearer(support).send().expect(200).str("status"))
                .isEqualTo("paid");
        api.patch("/v1/admin/orders/" + number).bearer(support).body(Map.of("status", "cancelled")).send()
                .expect(403, "insufficient_scope");
        assertThat(api.get("/v1/admin/orders/" + number).bearer(support).send().expect(200).str("status"))
                .isEqualTo("paid");
    }

    @Test
    void supportWhenHelpingCustomerThenAllowedAndRecordedAsTheirs() {
        var shop = StaffFixtures.shop(api);
        var shopper = Fixtures.shopper(api, shop.tenant());
        String supportEmail = StaffFixtures.addStaff(api, shop, "support");
        var supportLogin = login(api, shop.id(), supportEmail, Fixtures.PASSWORD).expect(200);
        String support = supportLogin.str("access_token");
        api.get("/v1/admin/customers/" + shopper.customerId() + "/lockout").bearer(support).send().expect(200);
        api.delete("/v1/admin/customers/" + shopper.customerId() + "/lockout").bearer(support).send().expect(204);
        var events = api.get("/v1/admin/audit?type=account.unlocked&customer_id=" + shopper.customerId())
                .bearer(support).send().expect(200);
        assertThat(events.body().path("data").get(0).path("staff_id").asText())
                .isEqualTo(supportLogin.str("staff_id"));
    }

    @Test
    void createStaffThenListedAndCanLogIn() {
        var shop = StaffFixtures.shop(api);
        String owner = StaffFixtures.ownerToken(api, shop);
        var created = api.post("/v1/admin/staff").bearer(owner)
                .body(Map.of("email", "  Helper@Example.com ", "password", Fixtures.PASSWORD)).send().expect(201);
        assertThat(created.str("role")).isEqualTo("support");
        assertThat(created.str("email")).isEqualTo("helper@example.com");
        var list = api.get("/v1/admin/staff?limit=1").bearer(owner).send().expect(200);
        assertThat(list.body().path("data")).hasSize(1);
        var next = api.get("/v1/admin/staff?limit=1&cursor=" + list.str("next_cursor")).bearer(owner).send().expect(200);
        assertThat(next.body().path("data").get(0).path("id").asText()).isEqualTo(created.str("id"));
        login(api, shop.id(), "helper@example.com", Fixtures.PASSWORD).expect(200);
        var audit = api.get("/v1/admin/audit?type=staff.created").bearer(owner).send().expect(200);
        assertThat(audit.body().path("data").get(0).path("data").path("created_staff_id").asText())
                .isEqualTo(created.str("id"));
    }

    @Test
    void createStaffWhenBadInputThenRefusedAndNothingCreated() {
        var shop = StaffFixtures.shop(api);
        String sk = shop.tenant().sk();
        api.post("/v1/admin/staff").bearer(sk).body("[1]").send().expect(400, "malformed_json");
        assertInvalid(api.post("/v1/admin/staff").bearer(sk)
                .body(Map.of("email", "a@example.com", "password", Fixtures.PASSWORD, "role", "admin")).send(),
                "role", "invalid");
        assertInvalid(api.post("/v1/admin/staff").bearer(sk)
                .body(Map.of("email", "a@example.com", "password", "password")).send(), "password", "too_common");
        assertInvalid(api.post("/v1/admin/staff").bearer(sk)
                .body(Map.of("email", "not-an-email", "password", Fixtures.PASSWORD)).send(), "email", "invalid");
        api.post("/v1/admin/staff").bearer(sk)
                .body(Map.of("email", shop.ownerEmail(), "password", Fixtures.PASSWORD)).send()
                .expect(409, "email_taken");
        assertThat(api.get("/v1/admin/staff").bearer(sk).send().expect(200).body().path("data")).hasSize(1);
    }

    @Test
    void deleteStaffThenTheirTokenStopsAtOnce() {
        var shop = StaffFixtures.shop(api);
        String email = StaffFixtures.addStaff(api, shop, "support");
        var res = login(api, shop.id(), email, Fixtures.PASSWORD).expect(200);
        String token = res.str("access_token");
        api.get("/v1/admin/audit").bearer(token).send().expect(200);
        api.delete("/v1/admin/staff/" + res.str("staff_id")).bearer(shop.tenant().sk()).send().expect(204);
        api.get("/v1/admin/audit").bearer(token).send().expect(401, "invalid_token");
        api.delete("/v1/admin/staff/" + res.str("staff_id")).bearer(shop.tenant().sk()).send().expect(404, "not_found");
    }

    @Test
    void deleteWhileTheMemberLogsInThenNeverAServerErrorAndNoSessionOutlivesThem() {
        StaffFixtures.loginsDuring(api,
                (shop, memberId) -> api.delete("/v1/admin/staff/" + memberId).bearer(shop.tenant().sk()).send(),
                (shop, email) -> login(api, shop.id(), email, Fixtures.PASSWORD).expect(401, "invalid_credentials"));
    }

    @Test
    void deleteWhenLastOwnerThenConflictButSecondOwnerMayGo() {
        var shop = StaffFixtures.shop(api);
        api.delete("/v1/admin/staff/" + shop.ownerId()).bearer(shop.tenant().sk()).send().expect(409, "last_owner");
        String second = StaffFixtures.addStaff(api, shop, "owner");
        String secondToken = login(api, shop.id(), second, Fixtures.PASSWORD).expect(200).str("access_token");
        api.delete("/v1/admin/staff/" + shop.ownerId()).bearer(secondToken).send().expect(204);
    }

    @Test
    void staffRoutesWhenPublishableKeyOrOtherTenantThenRefused() {
        var shop = StaffFixtures.shop(api);
        var other = StaffFixtures.shop(api);
        api.get("/v1/admin/staff").bearer(shop.tenant().pk()).send().expect(403, "insufficient_scope");
        api.delete("/v1/admin/staff/" + shop.ownerId()).bearer(other.tenant().sk()).send().expect(404, "not_found");
        String otherOwner = StaffFixtures.ownerToken(api, other);
        api.delete("/v1/admin/staff/" + shop.ownerId()).bearer(otherOwner).send().expect(404, "not_found");
        api.get("/v1/admin/staff").bearer("stf_" + "x".repeat(43)).send().expect(401, "invalid_token");
        var shopper = Fixtures.shopper(api, shop.tenant());
        api.get("/v1/admin/customers/" + shopper.customerId() + "/lockout").bearer(otherOwner).send()
                .expect(404, "not_found");
    }

    @Test
    void logoutThenTokenRefused() {
        var shop = StaffFixtures.shop(api);
        String token = StaffFixtures.ownerToken(api, shop);
        api.post("/v1/admin/staff/logout").bearer(token).send().expect(204);
        api.get("/v1/admin/settings").bearer(token).send().expect(401, "invalid_token");
        api.post("/v1/admin/staff/logout").bearer(token).send().expect(401, "invalid_token");
        api.post("/v1/admin/staff/logout").bearer(shop.tenant().sk()).send().expect(403, "insufficient_scope");
        api.post("/v1/admin/staff/logout").bearer("sk_" + "x".repeat(43)).send().expect(401, "invalid_api_key");
    }

    @Test
    void tokenWhenTwelveHoursOldThenRefusedEvenIfBusy() {
        var shop = StaffFixtures.shop(api);
        String token = StaffFixtures.ownerToken(api, shop);
        for (int i = 0; i < 24; i++) {
            server.clock.advance(Duration.ofMinutes(29));
            api.get("/v1/admin/settings").bearer(token).send().expect(200);
        }
        server.clock.advance(Duration.ofMinutes(24).plusSeconds(1));
        api.get("/v1/admin/settings").bearer(token).send().expect(401, "invalid_token");
    }

    @Test
    void tokenWhenIdleForHalfAnHourThenRefused() {
        var shop = StaffFixtures.shop(api);
        String token = StaffFixtures.ownerToken(api, shop);
        server.clock.advance(Duration.ofMinutes(29));
        api.get("/v1/admin/settings").bearer(token).send().expect(200);
        server.clock.advance(Duration.ofMinutes(29));
        api.get("/v1/admin/staff").bearer(token).send().expect(200);
        server.clock.advance(Duration.ofMinutes(30));
        api.get("/v1/admin/settings").bearer(token).send().expect(401, "invalid_token");
        api.post("/v1/admin/staff/logout").bearer(token).send().expect(401, "invalid_token");
    }

    @Test
    void loginThenRecordedWithTheStaffMember() {
        var shop = StaffFixtures.shop(api);
        login(api, shop.id(), shop.ownerEmail(), "wrong password here").expect(401);
        StaffFixtures.ownerToken(api, shop);
        var ok = api.get("/v1/admin/audit?type=staff.login_succeeded").bearer(shop.tenant().sk()).send().expect(200);
        assertThat(ok.body().path("data").get(0).path("staff_id").asText()).isEqualTo(shop.ownerId());
        assertThat(ok.body().path("data").get(0).path("customer_id").isNull()).isTrue();
        var failed = api.get("/v1/admin/audit?type=staff.login_failed").bearer(shop.tenant().sk()).send().expect(200);
        assertThat(failed.body().path("data").get(0).path("data").path("reason").asText()).isEqualTo("wrong_password");
        assertThat(failed.raw()).doesNotContain("wrong password here");
    }
}
