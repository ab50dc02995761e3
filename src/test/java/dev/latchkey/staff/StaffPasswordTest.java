package dev.latchkey.staff;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Concurrently;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.RowLocks;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static dev.latchkey.testing.Problems.assertInvalid;
import static dev.latchkey.testing.StaffFixtures.login;
import static org.assertj.core.api.Assertions.assertThat;

class StaffPasswordTest extends ApiTest {
    private static final String NEW_PASSWORD = "lantern orchard velvet compass";

    private Api.Res changeOwn(String token, Object body) {
        return api.post("/v1/admin/staff/password").bearer(token).body(body).send();
    }

    private Api.Res set(String token, String staffId, Object body) {
        return api.post("/v1/admin/staff/" + staffId + "/password").bearer(token).body(body).send();
    }

    private JsonNode newestChange(StaffFixtures.Shop shop) {
        var events = api.get("/v1/admin/audit?type=staff.password_changed").bearer(shop.tenant().sk()).send()
                .expect(200);
        assertThat(events.raw()).doesNotContain(NEW_PASSWORD).doesNotContain(Fixtures.PASSWORD);
        return events.body().path("data").get(0);
    }

    @Test
    void changeOwnThenOtherSessionsEndThisOneGoesOnAndOnlyTheNewPasswordLogsIn() {
        var shop = StaffFixtures.shop(api);
        String laptop = StaffFixtures.ownerToken(api, shop);
        String phone = StaffFixtures.ownerToken(api, shop);

        changeOwn(laptop, Map.of("current_password", shop.ownerPassword(), "new_password", NEW_PASSWORD)).expect(204);

        api.get("/v1/admin/staff").bearer(laptop).send().expect(200);
        api.get("/v1/admin/staff").bearer(phone).send().expect(401, "invalid_token");
        login(api, shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(401, "invalid_credentials");
        login(api, shop.id(), shop.ownerEmail(), NEW_PASSWORD).expect(200);
        JsonNode changed = newestChange(shop);
        assertThat(changed.path("staff_id").asText()).isEqualTo(shop.ownerId());
        assertThat(changed.path("data").path("changed_staff_id").asText()).isEqualTo(shop.ownerId());
        assertThat(changed.path("data").path("by").asText()).isEqualTo("self");
    }

    @Test
    void changeOwnWhenCurrentWrongThenFailedCheckRecordedWithTheMember() {
        var shop = StaffFixtures.shop(api);
        String token = StaffFixtures.ownerToken(api, shop);

        changeOwn(token, Map.of("current_password", "not my password at all", "new_password", NEW_PASSWORD))
                .expect(403, "invalid_credentials");

        var events = api.get("/v1/admin/audit?type=staff.password_check_failed").bearer(shop.tenant().sk()).send()
                .expect(200);
        assertThat(events.raw()).doesNotContain("not my password at all");
        assertThat(events.body().path("data")).hasSize(1);
        JsonNode failed = events.body().path("data").get(0);
        assertThat(failed.path("staff_id").asText()).isEqualTo(shop.ownerId());
        assertThat(failed.path("data").path("action").asText()).isEqualTo("password_change");
    }

    @Test
    void changeOwnWhenCurrentWrongThresholdTimesThenLockedAndTheRightOneRefusedUntilItExpires() {
        var shop = StaffFixtures.shop(api, Map.of("lockout_threshold", 3, "lockout_duration", 600));
        String token = StaffFixtures.ownerToken(api, shop);
        var change = Map.of("current_password", shop.ownerPassword(), "new_password", NEW_PASSWORD);
        for (int i = 0; i < 3; i++) {
            changeOwn(token, Map.of("current_password", "wrong password " + i, "new_password", NEW_PASSWORD))
                    .expect(403, "invalid_credentials");
        }
        var locked = api.get("/v1/admin/audit?type=staff.locked").bearer(shop.tenant().sk()).send().expect(200);
        assertThat(locked.body().path("data")).hasSize(1);

        changeOwn(token, change).expect(403, "invalid_credentials");
        login(api, shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(401, "invalid_credentials");
        var checks = api.get("/v1/admin/audit?type=staff.password_check_failed").bearer(shop.tenant().sk()).send()
                .expect(200).body().path("data");
        assertThat(checks).extracting(event -> event.path("data").path("reason").asText())
                .containsExactlyInAnyOrder("wrong_password", "wrong_password", "wrong_password", "locked");
        server.clock.advance(Duration.ofSeconds(601));
        changeOwn(token, change).expect(204);
        login(api, shop.id(), shop.ownerEmail(), NEW_PASSWORD).expect(200);
    }

    @Test
    void changeOwnWhenCurrentWrongThenItCountsWithFailedLogins() {
        var shop = StaffFixtures.shop(api, Map.of("lockout_threshold", 3, "lockout_duration", 600));
        String token = StaffFixtures.ownerToken(api, shop);
        login(api, shop.id(), shop.ownerEmail(), "wrong password 1").expect(401, "invalid_credentials");
        changeOwn(token, Map.of("current_password", "wrong password 2", "new_password", NEW_PASSWORD))
                .expect(403, "invalid_credentials");
        login(api, shop.id(), shop.ownerEmail(), "wrong password 3").expect(401, "invalid_credentials");
        login(api, shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(401, "invalid_credentials");
    }

    @Test
    void changeOwnWhenChangedTwiceAtOnceThenOnlyOneChangeLands() {
        var shop = StaffFixtures.shop(api);
        String token = StaffFixtures.ownerToken(api, shop);
        List<String> candidates = List.of("lantern orchard one", "lantern orchard two", "lantern orchard three");

        List<Api.Res> answers = Concurrently.all(candidates.stream().<Callable<Api.Res>>map(candidate ->
                () -> changeOwn(token, Map.of("current_password", shop.ownerPassword(), "new_password", candidate)))
                .toList());

        assertThat(answers).filteredOn(res -> res.status() == 204).hasSize(1);
        assertThat(answers).filteredOn(res -> res.status() != 204)
                .allSatisfy(res -> res.expect(403, "invalid_credentials"));
        for (int i = 0; i < candidates.size(); i++) {
            login(api, shop.id(), shop.ownerEmail(), candidates.get(i)).expect(answers.get(i).status() == 204 ? 200 : 401);
        }
    }

    @Test
    void changeOwnWhenAnotherChangeLandsWhileItWaitsThenRefusedAndRecordedAsPasswordChanged() throws Exception {
        var shop = StaffFixtures.shop(api);
        String token = StaffFixtures.ownerToken(api, shop);

        var answer = RowLocks.commitWhileWaiting(server,
                "UPDATE staff SET password_hash = CONCAT('moved', password_hash) WHERE tenant_id = ? AND id = ?",
                () -> changeOwn(token, Map.of("current_password", shop.ownerPassword(), "new_password", NEW_PASSWORD)),
                shop.id(), shop.ownerId());

        answer.expect(403, "invalid_credentials");
        var events = api.get("/v1/admin/audit?type=staff.password_check_failed").bearer(shop.tenant().sk()).send()
                .expect(200).body().path("data");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).path("staff_id").asText()).isEqualTo(shop.ownerId());
        assertThat(events.get(0).path("data").path("reason").asText()).isEqualTo("password_changed");
        api.get("/v1/admin/audit?type=staff.password_changed").bearer(shop.tenant().sk()).send().expect(200)
                .body().path("data").forEach(event -> assertThat(event.path("data").path("by").asText())
                        .isNotEqualTo("self"));
    }

    @Test
    void changeOwnWhenCurrentWrongOrNewRefusedOrBadInputThenNothingChanges() {
        var shop = StaffFixtures.shop(api);
        String token = StaffFixtures.ownerToken(api, shop);
        String other = StaffFixtures.ownerToken(api, shop);

        changeOwn(token, Map.of("current_password", "not my password at all", "new_password", NEW_PASSWORD))
                .expect(403, "invalid_credentials");
        assertInvalid(changeOwn(token, Map.of("current_password", shop.ownerPassword(), "new_password", "short")),
                "new_password", "too_short");
        assertInvalid(changeOwn(token, Map.of("current_password", shop.ownerPassword(),
                "new_password", shop.ownerEmail() + " plus words")), "new_password", "contains_personal_info");
        assertInvalid(changeOwn(token, Map.of("current_password", shop.ownerPassword(),
                "new_password", "x".repeat(1025) + " long")), "new_password", "too_long");
        assertInvalid(changeOwn(token, Map.of("current_password", shop.ownerPassword(),
                "new_password", shop.ownerPassword())), "new_password", "unchanged");
        assertInvalid(changeOwn(token, Map.of("new_password", NEW_PASSWORD)), "current_password", "required");
        assertInvalid(changeOwn(token, Map.of("current_password", shop.ownerPassword(), "new_password", 42)),
                "new_password", "invalid_type");
        changeOwn(token, "{\"current_password\": ").expect(400, "malformed_json");
        changeOwn(token, "[]").expect(400, "malformed_json");

        api.get("/v1/admin/staff").bearer(other).send().expect(200);
        login(api, shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(200);
        var events = api.get("/v1/admin/audit?type=staff.password_changed").bearer(shop.tenant().sk()).send()
                .expect(200);
        assertThat(events.body().path("data")).isEmpty();
    }

    @Test
    void changeOwnWhenNotAStaffSessionThenRefused() {
        var shop = StaffFixtures.shop(api);
        Map<String, String> body = Map.of("current_password", shop.ownerPassword(), "new_password", NEW_PASSWORD);
        changeOwn(shop.tenant().sk(), body).expect(403, "insufficient_scope");
        changeOwn(shop.tenant().pk(), body).expect(403, "insufficient_scope");
        changeOwn("stf_" + "x".repeat(43), body).expect(401, "invalid_token");
        login(api, shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(200);
    }

    @Test
    void setByOwnerThenMemberLoggedOutEverywhereLockLiftedAndTheNewPasswordLogsIn() {
        var shop = StaffFixtures.shop(api, Map.of("lockout_threshold", 3, "lockout_duration", 3600));
        String email = StaffFixtures.addStaff(api, shop, "support");
        var session = login(api, shop.id(), email, Fixtures.PASSWORD).expect(200);
        String memberId = session.str("staff_id");
        for (int i = 0; i < 3; i++) {
            login(api, shop.id(), email, "a wrong guess " + i).expect(401, "invalid_credentials");
        }
        login(api, shop.id(), email, Fixtures.PASSWORD).expect(401, "invalid_credentials");
        String owner = StaffFixtures.ownerToken(api, shop);

        set(owner, memberId, Map.of("new_password", NEW_PASSWORD)).expect(204);

        api.get("/v1/admin/customers").bearer(session.str("access_token")).send().expect(401, "invalid_token");
        login(api, shop.id(), email, Fixtures.PASSWORD).expect(401, "invalid_credentials");
        assertThat(login(api, shop.id(), email, NEW_PASSWORD).expect(200).str("role")).isEqualTo("support");
        JsonNode changed = newestChange(shop);
        assertThat(changed.path("staff_id").asText()).isEqualTo(shop.ownerId());
        assertThat(changed.path("data").path("changed_staff_id").asText()).isEqualTo(memberId);
        assertThat(changed.path("data").path("by").asText()).isEqualTo("owner");
        set(shop.tenant().sk(), memberId, Map.of("new_password", "another fresh passphrase here")).expect(204);
        login(api, shop.id(), email, "another fresh passphrase here").expect(200);
    }

    @Test
    void setByOwnerWhileTheMemberLogsInWithTheOldPasswordThenNoSessionOfTheOldPasswordSurvives() {
        StaffFixtures.loginsDuring(api,
                (shop, memberId) -> set(shop.tenant().sk(), memberId, Map.of("new_password", NEW_PASSWORD)),
                (shop, email) -> login(api, shop.id(), email, NEW_PASSWORD).expect(200));
    }

    @Test
    void setWhenSupportOtherTenantUnknownOrRefusedThenNothingChanges() {
        var shop = StaffFixtures.shop(api);
        var other = StaffFixtures.shop(api);
        String support = StaffFixtures.supportToken(api, shop);
        Map<String, String> body = Map.of("new_password", NEW_PASSWORD);

        set(support, shop.ownerId(), body).expect(403, "insufficient_scope");
        set(shop.tenant().pk(), shop.ownerId(), body).expect(403, "insufficient_scope");
        // an owner's own password needs the current one: whoever holds the session may not take the account over
        set(StaffFixtures.ownerToken(api, shop), shop.ownerId(), body).expect(403, "insufficient_scope");
        set(other.tenant().sk(), shop.ownerId(), body).expect(404, "not_found");
        set(StaffFixtures.ownerToken(api, other), shop.ownerId(), body).expect(404, "not_found");
        set(shop.tenant().sk(), "staff_unknown", body).expect(404, "not_found");
        assertInvalid(set(shop.tenant().sk(), shop.ownerId(), Map.of("new_password", "short")),
                "new_password", "too_short");
        assertInvalid(set(shop.tenant().sk(), shop.ownerId(), Map.of()), "new_password", "required");
        set(shop.tenant().sk(), shop.ownerId(), "{").expect(400, "malformed_json");

        login(api, shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(200);
        login(api, other.id(), other.ownerEmail(), other.ownerPassword()).expect(200);
    }
}
