package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Impersonations;
import dev.latchkey.testing.RowLocks;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two-step sign-in on the staff API: the login's {@code next_step: mfa}, its completion at
 * {@code POST /v1/admin/staff/login/mfa}, and an owner's reset at {@code DELETE /v1/admin/staff/{id}/mfa}. The second
 * factor is set up on the dashboard, the only place it is.
 */
class StaffMfaApiTest extends ApiTest {
    private StaffTwoStep.Enrolled enrolOwner(StaffFixtures.Shop shop) {
        return StaffTwoStep.enrol(server, StaffTwoStep.owner(api, shop), shop.ownerPassword());
    }

    private String challenge(StaffFixtures.Shop shop) {
        Api.Res res = StaffFixtures.login(api, shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(200);
        assertThat(res.str("next_step")).isEqualTo("mfa");
        assertThat(res.body().has("access_token")).isFalse();
        assertThat(res.body().path("methods").toString()).isEqualTo("[\"totp\",\"recovery_code\"]");
        return res.str("mfa_token");
    }

    private Api.Res complete(String tenantId, String mfaToken, String code) {
        return api.post("/v1/admin/staff/login/mfa")
                .body(Map.of("tenant_id", tenantId, "mfa_token", mfaToken, "code", code)).send();
    }


    @Test
    void loginWhenMemberHasSecondFactorThenCodeGivesTheStaffToken() {
        var shop = StaffFixtures.shop(api);
        var enrolled = enrolOwner(shop);
        String mfaToken = challenge(shop);

        Api.Res session = complete(shop.id(), mfaToken, StaffTwoStep.code(server, enrolled.secret())).expect(200);
        assertThat(session.str("access_token")).startsWith("stf_");
        assertThat(session.str("staff_id")).isEqualTo(shop.ownerId());
        assertThat(session.str("role")).isEqualTo("owner");
        api.get("/v1/admin/staff").bearer(session.str("access_token")).send().expect(200);
        // the token was spent
        complete(shop.id(), mfaToken, enrolled.recoveryCodes().get(0)).expect(401, "invalid_mfa_token");
        JsonNode login = StaffFixtures.events(api, shop, "staff.login_succeeded").get(0).path("data");
        assertThat(login.path("mfa").asText()).isEqualTo("totp");
        assertThat(login.path("kind").asText()).isEqualTo("api");
    }

    @Test
    void codeWhenReplayedOrRecoveryCodeUsedTwiceThenRefused() {
        var shop = StaffFixtures.shop(api);
        var enrolled = enrolOwner(shop);
        String code = StaffTwoStep.code(server, enrolled.secret());
        complete(shop.id(), challenge(shop), code).expect(200);
        complete(shop.id(), challenge(shop), code).expect(401, "invalid_credentials");

        String recovery = enrolled.recoveryCodes().get(3);
        complete(shop.id(), challenge(shop), recovery).expect(200);
        complete(shop.id(), challenge(shop), recovery).expect(401, "invalid_credentials");
    }

    @Test
    void wrongCodesWhenFiveThenTheTokenIsVoid() {
        var shop = StaffFixtures.shop(api);
        var enrolled = enrolOwner(shop);
        String mfaToken = challenge(shop);
        for (int i = 0; i < 5; i++) {
            complete(shop.id(), mfaToken, "000000").expect(401, "invalid_credentials");
        }
        complete(shop.id(), mfaToken, StaffTwoStep.code(server, enrolled.secret())).expect(401, "invalid_mfa_token");
        assertThat(StaffFixtures.events(api, shop, "staff.login_failed")).extracting(e -> e.path("data").path("step").asText())
                .containsOnly("mfa");
    }

    @Test
    void wrongCodesWhenSpreadOverLoginsThenTheRightPasswordDoesNotWipeThemOut() {
        var shop = StaffFixtures.shop(api, Map.of("lockout_threshold", 3));
        enrolOwner(shop);
        String first = challenge(shop);
        complete(shop.id(), first, "000000").expect(401, "invalid_credentials");
        complete(shop.id(), first, "000001").expect(401, "invalid_credentials");
        // a new login with the right password, and one more wrong code: the third failure locks the member
        complete(shop.id(), challenge(shop), "000002").expect(401, "invalid_credentials");
        StaffFixtures.login(api, shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(401, "invalid_credentials");
        assertThat(StaffFixtures.events(api, shop, "staff.locked")).hasSize(1);
    }

    @Test
    void tokenWhenOfAnotherShopOrOfADashboardLoginThenInvalid() {
        var shop = StaffFixtures.shop(api);
        var enrolled = enrolOwner(shop);
        var other = StaffFixtures.shop(api);
        String mfaToken = challenge(shop);
        complete(other.id(), mfaToken, StaffTwoStep.code(server, enrolled.secret())).expect(401, "invalid_mfa_token");
        complete("no-such-shop", mfaToken, "123456").expect(401, "invalid_mfa_token");

        var browser = new DashboardClient(api.baseUrl());
        browser.login(shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(200);
        String dashboardToken = browser.cookies().get("latchkey_login_mfa");
        complete(shop.id(), dashboardToken, StaffTwoStep.code(server, enrolled.secret()))
                .expect(401, "invalid_mfa_token");
    }

    @Test
    void completionWhenBodyIsBadThenRefusedBeforeAnyLookup() {
        var shop = StaffFixtures.shop(api);
        api.post("/v1/admin/staff/login/mfa").body("{\"tenant_id\":").send().expect(400);
        api.post("/v1/admin/staff/login/mfa").body(Map.of("tenant_id", shop.id(), "code", "123456")).send()
                .expect(422, "validation_failed");
        api.post("/v1/admin/staff/login/mfa").body(Map.of("tenant_id", shop.id(), "mfa_token", 42, "code", "123456"))
                .send().expect(422, "validation_failed");
        api.post("/v1/admin/staff/login/mfa").body(Map.of("tenant_id", shop.id(), "mfa_token", "mfa_x",
                "code", "1".repeat(65))).send().expect(422, "validation_failed");
    }

    @Test
    void ownerResetWhenApiThenAuditedAndOnlyForOthersOfTheShop() {
        var shop = StaffFixtures.shop(api);
        String email = StaffFixtures.addStaff(api, shop, "support");
        var support = StaffTwoStep.loggedIn(api.baseUrl(), shop.id(), email, Fixtures.PASSWORD);
        StaffTwoStep.enrol(server, support, Fixtures.PASSWORD);
        JsonNode member = StaffFixtures.member(api, shop, email);
        assertThat(member.path("mfa_enabled").asBoolean()).isTrue();
        String supportId = member.path("id").asText();
        String ownerToken = StaffFixtures.ownerToken(api, shop);
        var other = StaffFixtures.shop(api);

        api.delete("/v1/admin/staff/" + supportId + "/mfa").bearer(other.tenant().sk()).send()
                .expect(404, "not_found");
        api.delete("/v1/admin/staff/" + supportId + "/mfa").bearer(StaffFixtures.ownerToken(api, other)).send()
                .expect(404, "not_found");
        api.delete("/v1/admin/staff/staff_unknown/mfa").bearer(ownerToken).send().expect(404, "not_found");
        api.delete("/v1/admin/staff/" + shop.ownerId() + "/mfa").bearer(ownerToken).send()
                .expect(403, "insufficient_scope");
        api.delete("/v1/admin/staff/" + shop.ownerId() + "/mfa").bearer(StaffFixtures.supportToken(api, shop)).send()
                .expect(403, "insufficient_scope");

        api.delete("/v1/admin/staff/" + supportId + "/mfa").bearer(ownerToken).send().expect(204);
        assertThat(StaffFixtures.events(api, shop, "staff.mfa_reset").get(0).path("data").path("reset_staff_id").asText())
                .isEqualTo(supportId);
        api.delete("/v1/admin/staff/" + supportId + "/mfa").bearer(ownerToken).send().expect(409, "mfa_not_enabled");
        assertThat(StaffFixtures.login(api, shop.id(), email, Fixtures.PASSWORD).expect(200)
                .str("access_token")).startsWith("stf_");
    }

    /** A support member with a second factor, and the login of theirs waiting for its code. */
    private record Waiting(String email, String id, StaffTwoStep.Enrolled enrolled, String mfaToken) {
    }

    private Waiting supportWaiting(StaffFixtures.Shop shop) {
        String email = StaffFixtures.addStaff(api, shop, "support");
        var support = StaffTwoStep.loggedIn(api.baseUrl(), shop.id(), email, Fixtures.PASSWORD);
        var enrolled = StaffTwoStep.enrol(server, support, Fixtures.PASSWORD);
        String mfaToken = StaffFixtures.login(api, shop.id(), email, Fixtures.PASSWORD).expect(200).str("mfa_token");
        return new Waiting(email, StaffFixtures.member(api, shop, email).path("id").asText(), enrolled, mfaToken);
    }

    @Test
    void resetWhileALoginWaitsThenItsTokenIsVoid() {
        var shop = StaffFixtures.shop(api);
        var waiting = supportWaiting(shop);
        api.delete("/v1/admin/staff/" + waiting.id() + "/mfa").bearer(shop.tenant().sk()).send().expect(204);
        complete(shop.id(), waiting.mfaToken(), StaffTwoStep.code(server, waiting.enrolled().secret()))
                .expect(401, "invalid_mfa_token");
    }

    @Test
    void passwordSetByAnOwnerWhileALoginWaitsThenItsTokenIsVoidAndTheNewPasswordLogsIn() {
        var shop = StaffFixtures.shop(api);
        var waiting = supportWaiting(shop);
        String newPassword = "a fresh phrase for the helpdesk 42";

        api.post("/v1/admin/staff/" + waiting.id() + "/password").bearer(StaffFixtures.ownerToken(api, shop))
                .body(Map.of("new_password", newPassword)).send().expect(204);

        // whoever knew the old password must not finish the login it began
        complete(shop.id(), waiting.mfaToken(), StaffTwoStep.code(server, waiting.enrolled().secret()))
                .expect(401, "invalid_mfa_token");
        String fresh = StaffFixtures.login(api, shop.id(), waiting.email(), newPassword).expect(200).str("mfa_token");
        assertThat(complete(shop.id(), fresh, waiting.enrolled().recoveryCodes().get(0)).expect(200)
                .str("access_token")).startsWith("stf_");
    }

    /**
     * An owner who started an impersonation, then set up a second factor and lost the phone: the reset ends the
     * impersonation, whoever holds the phone; the other owner's goes on.
     */
    @Test
    void resetThenTheMembersImpersonationEndsAndAnothersGoesOn() {
        var shop = StaffFixtures.shop(api, Map.of("staff_impersonation", true));
        var customer = Fixtures.shopper(api, shop.tenant());
        String email = StaffFixtures.addStaff(api, shop, "owner");
        String memberToken = StaffFixtures.login(api, shop.id(), email, Fixtures.PASSWORD).expect(200)
                .str("access_token");
        var byMember = Impersonations.start(api, memberToken, customer);
        var byOwner = Impersonations.start(api, StaffFixtures.ownerToken(api, shop), customer);
        StaffTwoStep.enrol(server, StaffTwoStep.loggedIn(api.baseUrl(), shop.id(), email, Fixtures.PASSWORD),
                Fixtures.PASSWORD);
        Impersonations.assertLive(api, byMember);

        api.delete("/v1/admin/staff/" + StaffFixtures.member(api, shop, email).path("id").asText() + "/mfa")
                .bearer(StaffFixtures.ownerToken(api, shop)).send().expect(204);

        Impersonations.assertEnded(api, customer, byMember, "staff_mfa_reset");
        Impersonations.assertLive(api, byOwner);
    }

    /**
     * An owner resets a member's second factor while the member's start of an impersonation waits for their row, in a
     * shop that requires two-step sign-in of its staff: the start reads the member's session again under that lock and
     * answers as the session's next request would (403 {@code mfa_setup_required}), starting nothing the reset missed.
     */
    @Test
    void resetWhileTheMembersImpersonationWaitsThen403AndNoSession() throws Exception {
        var shop = StaffFixtures.shop(api, Map.of("staff_impersonation", true));
        var customer = Fixtures.shopper(api, shop.tenant());
        String email = StaffFixtures.addStaff(api, shop, "owner");
        String memberId = StaffFixtures.member(api, shop, email).path("id").asText();
        var enrolled = StaffTwoStep.enrol(server, StaffTwoStep.loggedIn(api.baseUrl(), shop.id(), email,
                Fixtures.PASSWORD), Fixtures.PASSWORD);
        String mfaToken = StaffFixtures.login(api, shop.id(), email, Fixtures.PASSWORD).expect(200).str("mfa_token");
        String memberToken = complete(shop.id(), mfaToken, enrolled.recoveryCodes().get(0)).expect(200)
                .str("access_token");
        api.patch("/v1/admin/settings").bearer(shop.tenant().sk()).body(Map.of("require_staff_mfa", true)).send()
                .expect(200);

        Api.Res answer = Impersonations.startWhileTheMemberChanges(server, memberToken, customer, memberId,
                new RowLocks.Sql("UPDATE staff SET mfa_enabled_at = NULL WHERE tenant_id = ? AND id = ?", shop.id(),
                        memberId));

        answer.expect(403, "mfa_setup_required");
        Impersonations.assertNoneStarted(api, customer);
    }
}
