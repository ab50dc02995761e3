package dev.latchkey.mfa;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Agents;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.MailTest;
import dev.latchkey.testing.RowLocks;
import dev.latchkey.testing.TestSmtp;
import dev.latchkey.testing.TotpCodes;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Two-step sign-in through the real server: setting it up, logging in with it, recovery codes, turning it off. */
class MfaTest extends MailTest {
    private static final int STEP = 30;

    /** A customer with two-step sign-in on: their seed and recovery codes as the answers showed them. */
    private record Enrolled(Fixtures.Shopper shopper, String secret, List<String> recoveryCodes) {
    }

    /**
     * Moves the server's clock to the start of the next 30-second step, so that a code computed now is still the
     * current one when the server checks it, and a code once used is not the current one any more.
     */
    private static Instant nextStep() {
        long into = server.clock.instant().getEpochSecond() % STEP;
        server.clock.advance(Duration.ofSeconds(STEP - into + 1));
        return server.clock.instant();
    }

    private static String code(String secret, int stepsFromNow) {
        return TotpCodes.at(secret, nextStep().plusSeconds((long) STEP * stepsFromNow));
    }

    private static Enrolled enrolled(Fixtures.Tenant tenant) {
        Fixtures.Shopper shopper = Fixtures.verifiedShopper(api, tenant, Map.of("first_name", "Ada"));
        String secret = api.post("/v1/me/mfa/totp").as(shopper).body(Map.of("password", shopper.password())).send()
                .expect(200).str("secret");
        JsonNode codes = api.post("/v1/me/mfa/totp/confirm").as(shopper).body(Map.of("code", code(secret, 0)))
                .send().expect(200).body().path("recovery_codes");
        List<String> recovery = new ArrayList<>();
        codes.forEach(c -> recovery.add(c.asText()));
        return new Enrolled(shopper, secret, recovery);
    }

    private static Api.Res passwordLogin(Fixtures.Shopper shopper) {
        return login(shopper.tenant(), shopper.email(), shopper.password()).expect(200);
    }

    private static String challenge(Fixtures.Shopper shopper) {
        Api.Res res = passwordLogin(shopper);
        assertThat(res.str("next_step")).isEqualTo("mfa");
        assertThat(res.body().has("access_token")).isFalse();
        return res.str("mfa_token");
    }

    private static Api.Res secondFactor(Fixtures.Tenant tenant, String mfaToken, String code) {
        return api.post("/v1/auth/mfa").key(tenant.pk()).body(Map.of("mfa_token", mfaToken, "code", code)).send();
    }

    /** The data of the shopper's latest {@code login.succeeded}. */
    private static JsonNode lastLogin(Fixtures.Tenant tenant, Fixtures.Shopper shopper) {
        return AuditEvents.of(api, tenant, shopper.customerId(), "login.succeeded").get(0).path("data");
    }

    @Test
    void enrolWhenConfirmedThenLoginAsksForCodeAndCodeLogsIn() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of("first_name", "Ada"));
        assertThat(api.get("/v1/me/mfa").as(shopper).send().expect(200).body().path("totp_enabled").asBoolean())
                .isFalse();
        api.post("/v1/me/mfa/totp").as(shopper).body(Map.of("password", "wrong password entirely")).send()
                .expect(403, "invalid_credentials");
        api.post("/v1/me/mfa/totp").as(shopper).body(Map.of("password", shopper.password())).send().expect(200);
        // a new call replaces the pending seed: a code of the first one no longer confirms
        var started = api.post("/v1/me/mfa/totp").as(shopper).body(Map.of("password", shopper.password())).send()
                .expect(200);
        String secret = started.str("secret");
        assertThat(started.str("otpauth_uri")).startsWith("otpauth://totp/").contains("secret=" + secret)
                .contains(shopper.email().replace("@", "%40"));
        api.post("/v1/me/mfa/totp/confirm").as(shopper).body(Map.of("code", "000000")).send()
                .expect(403, "invalid_code");
        assertThat(passwordLogin(shopper).body().has("access_token")).as("pending is not on").isTrue();

        var confirmed = api.post("/v1/me/mfa/totp/confirm").as(shopper).body(Map.of("code", code(secret, 0)))
                .send().expect(200);
        assertThat(confirmed.body().path("recovery_codes")).hasSize(10);
        var status = api.get("/v1/me/mfa").as(shopper).send().expect(200).body();
        assertThat(status.path("totp_enabled").asBoolean()).isTrue();
        assertThat(status.path("recovery_codes_remaining").asInt()).isEqualTo(10);
        assertThat(TestSmtp.subject(smtp.awaitOne(shopper.email(), "Two-step sign-in is now on"))).isNotBlank();
        api.post("/v1/me/mfa/totp").as(shopper).body(Map.of("password", shopper.password())).send()
                .expect(409, "mfa_already_enabled");

        var res = passwordLogin(shopper);
        assertThat(res.str("next_step")).isEqualTo("mfa");
        assertThat(res.str("mfa_token")).startsWith("mfa_");
        assertThat(res.body().path("expires_in").asInt()).isEqualTo(300);
        var session = secondFactor(tenant, res.str("mfa_token"), code(secret, 0)).expect(200);
        assertThat(session.body().path("customer").path("mfa_enabled").asBoolean()).isTrue();
        api.get("/v1/me").bearer(session.str("access_token")).key(tenant.pk()).send().expect(200);
        JsonNode login = lastLogin(tenant, shopper);
        assertThat(login.path("mfa").asText()).isEqualTo("totp");
        assertThat(login.path("first_factor").asText()).isEqualTo("password");
        assertThat(AuditEvents.only(api, tenant, shopper.customerId(), "mfa.enabled")).isNotNull();
        // the mfa_token is single-use
        secondFactor(tenant, res.str("mfa_token"), code(secret, 0)).expect(401, "invalid_mfa_token");
    }

    @Test
    void loginWhenRecoveryCodeThenWorksOnceTypedAnyWay() {
        var tenant = shop(Map.of());
        var enrolled = enrolled(tenant);
        String recovery = enrolled.recoveryCodes().get(3);
        secondFactor(tenant, challenge(enrolled.shopper()), " " + recovery.toUpperCase().replace("-", " "))
                .expect(200);
        assertThat(api.get("/v1/me/mfa").as(enrolled.shopper()).send().expect(200).body()
                .path("recovery_codes_remaining").asInt()).isEqualTo(9);
        secondFactor(tenant, challenge(enrolled.shopper()), recovery).expect(401, "invalid_credentials");
        assertThat(lastLogin(tenant, enrolled.shopper()).path("mfa").asText()).isEqualTo("recovery_code");
    }

    @Test
    void loginWhenCodeReplayedThenRefusedAndWhenOneStepOffThenAccepted() {
        var tenant = shop(Map.of());
        var enrolled = enrolled(tenant);
        String secret = enrolled.secret();
        String used = code(secret, 0);
        secondFactor(tenant, challenge(enrolled.shopper()), used).expect(200);
        secondFactor(tenant, challenge(enrolled.shopper()), used).expect(401, "invalid_credentials");

        // a phone a step behind, then one a step ahead: each code once
        nextStep();
        secondFactor(tenant, challenge(enrolled.shopper()), code(secret, -1)).expect(200);
        secondFactor(tenant, challenge(enrolled.shopper()), code(secret, 1)).expect(200);
        // an earlier step than one used is not accepted either, even inside the window
        nextStep();
        String behind = TotpCodes.at(secret, server.clock.instant().minusSeconds(STEP));
        secondFactor(tenant, challenge(enrolled.shopper()), behind).expect(401, "invalid_credentials");
        // two steps off is outside the window
        String far = TotpCodes.at(secret, nextStep().plusSeconds(2L * STEP));
        secondFactor(tenant, challenge(enrolled.shopper()), far).expect(401, "invalid_credentials");
    }

    @Test
    void secondFactorWhenFiveWrongCodesThenTokenDeadAndWhenExpiredThenDeadToo() {
        var tenant = shop(Map.of("lockout_threshold", 20));
        var enrolled = enrolled(tenant);
        String token = challenge(enrolled.shopper());
        for (int i = 0; i < LoginChallenges.MAX_TRIES; i++) {
            secondFactor(tenant, token, "00000" + i).expect(401, "invalid_credentials");
        }
        secondFactor(tenant, token, code(enrolled.secret(), 0)).expect(401, "invalid_mfa_token");
        assertThat(AuditEvents.of(api, tenant, enrolled.shopper().customerId(), "login.failed").get(0)
                .path("data").path("reason").asText()).isEqualTo("wrong_code");

        String late = challenge(enrolled.shopper());
        server.clock.advance(LoginChallenges.CHALLENGE_TTL.plusSeconds(1));
        secondFactor(tenant, late, code(enrolled.secret(), 0)).expect(401, "invalid_mfa_token");
        secondFactor(tenant, "mfa_" + "A".repeat(43), "123456").expect(401, "invalid_mfa_token");
    }

    @Test
    void secondFactorWhenWrongCodesReachThresholdThenAccountLocked() {
        var tenant = shop(Map.of("lockout_threshold", 3));
        var enrolled = enrolled(tenant);
        String token = challenge(enrolled.shopper());
        for (int i = 0; i < 3; i++) {
            secondFactor(tenant, token, "99999" + i).expect(401, "invalid_credentials");
        }
        // locked: the right password is refused as a wrong one, and so is a right code of a login begun before
        login(tenant, enrolled.shopper().email(), enrolled.shopper().password()).expect(401, "invalid_credentials");
        secondFactor(tenant, token, code(enrolled.secret(), 0)).expect(401, "invalid_credentials");
        assertThat(AuditEvents.of(api, tenant, enrolled.shopper().customerId(), "account.locked")).isNotEmpty();
    }

    @Test
    void secondFactorWhenWrongCodesSpreadOverLoginsThenTheRightPasswordDoesNotWipeThemOut() {
        var tenant = shop(Map.of("lockout_threshold", 3));
        var enrolled = enrolled(tenant);
        String first = challenge(enrolled.shopper());
        secondFactor(tenant, first, "999990").expect(401, "invalid_credentials");
        secondFactor(tenant, first, "999991").expect(401, "invalid_credentials");
        // a new login with the right password, and one more wrong code: the third failure locks the account
        secondFactor(tenant, challenge(enrolled.shopper()), "999992").expect(401, "invalid_credentials");
        login(tenant, enrolled.shopper().email(), enrolled.shopper().password()).expect(401, "invalid_credentials");
        assertThat(AuditEvents.of(api, tenant, enrolled.shopper().customerId(), "account.locked")).hasSize(1);
    }

    @Test
    void secondFactorWhenSessionsEndedMeanwhileThenTheWaitingLoginEndsWithThem() {
        var tenant = shop(Map.of());
        var enrolled = enrolled(tenant);
        String customer = "/v1/admin/customers/" + enrolled.shopper().customerId();
        String beforeRevokeAll = challenge(enrolled.shopper());
        api.delete(customer + "/sessions").bearer(tenant.sk()).send().expect(204);
        secondFactor(tenant, beforeRevokeAll, code(enrolled.secret(), 0)).expect(401, "invalid_mfa_token");

        String beforeDisabling = challenge(enrolled.shopper());
        api.patch(customer).bearer(tenant.sk()).body(Map.of("status", "disabled")).send().expect(200);
        api.patch(customer).bearer(tenant.sk()).body(Map.of("status", "active")).send().expect(200);
        secondFactor(tenant, beforeDisabling, code(enrolled.secret(), 0)).expect(401, "invalid_mfa_token");

        String beforeLogoutElsewhere = challenge(enrolled.shopper());
        String session = secondFactor(tenant, challenge(enrolled.shopper()), code(enrolled.secret(), 0)).expect(200)
                .str("access_token");
        api.delete("/v1/me/sessions").key(tenant.pk()).bearer(session).send().expect(204);
        secondFactor(tenant, beforeLogoutElsewhere, code(enrolled.secret(), 0)).expect(401, "invalid_mfa_token");
    }

    @Test
    void secondFactorWhenGuestCartThenClaimedAfterTheCode() {
        var tenant = shop(Map.of());
        var enrolled = enrolled(tenant);
        String anonymous = api.post("/v1/anonymous").key(tenant.pk()).send().expect(201).str("access_token");
        String guestCart = api.post("/v1/carts").key(tenant.pk()).bearer(anonymous).send().expect(201).str("id");
        api.put("/v1/carts/" + guestCart + "/items/MUG").key(tenant.pk()).bearer(anonymous)
                .body(Map.of("quantity", 2)).send().expect(200);
        var res = api.post("/v1/auth/login").key(tenant.pk()).bearer(anonymous).body(Map.of("email",
                enrolled.shopper().email(), "password", enrolled.shopper().password(), "cart_id", guestCart))
                .send().expect(200);
        // nothing is claimed on the password alone
        api.get("/v1/carts/" + guestCart).key(tenant.pk()).bearer(anonymous).send().expect(200);

        var session = secondFactor(tenant, res.str("mfa_token"), code(enrolled.secret(), 0)).expect(200);
        assertThat(session.str("cart_id")).startsWith("cart_");
        api.get("/v1/carts/" + guestCart).key(tenant.pk()).bearer(anonymous).send().expect(404, "not_found");
        var cart = api.get("/v1/carts/" + session.str("cart_id")).key(tenant.pk())
                .bearer(session.str("access_token")).send().expect(200);
        assertThat(cart.raw()).contains("MUG");
    }

    @Test
    void loginWhenAccountOnHoldThenStateToldOnlyAfterSecondFactor() {
        var tenant = shop(Map.of());
        var enrolled = enrolled(tenant);
        api.patch("/v1/admin/customers/" + enrolled.shopper().customerId()).bearer(tenant.sk())
                .body(Map.of("status", "on_hold")).send().expect(200);
        String token = challenge(enrolled.shopper());
        secondFactor(tenant, token, code(enrolled.secret(), 0)).expect(403, "account_on_hold");
        // told once: reactivated, the account logs in afresh, not with the login that was refused
        api.patch("/v1/admin/customers/" + enrolled.shopper().customerId()).bearer(tenant.sk())
                .body(Map.of("status", "active")).send().expect(200);
        secondFactor(tenant, token, code(enrolled.secret(), 0)).expect(401, "invalid_mfa_token");
    }

    @Test
    void resetWhenMfaThenPasswordChangedAndChallengeInsteadOfSession() {
        var tenant = shop(Map.of());
        var enrolled = enrolled(tenant);
        String newPassword = "quiet violet harbour seventeen";
        String waitingWithOldPassword = challenge(enrolled.shopper());
        var res = reset(tenant, resetToken(tenant, enrolled.shopper().email()), newPassword).expect(200);
        // a login that passed the old password waits no longer: the second factor alone must not finish it
        secondFactor(tenant, waitingWithOldPassword, code(enrolled.secret(), 0)).expect(401, "invalid_mfa_token");
        assertThat(res.str("next_step")).isEqualTo("mfa");
        assertThat(res.body().has("access_token")).isFalse();
        login(tenant, enrolled.shopper().email(), enrolled.shopper().password()).expect(401, "invalid_credentials");
        var session = secondFactor(tenant, res.str("mfa_token"), code(enrolled.secret(), 0)).expect(200);
        assertThat(session.str("access_token")).startsWith("cust_");
        assertThat(lastLogin(tenant, enrolled.shopper()).path("first_factor").asText()).isEqualTo("password_reset");
    }

    @Test
    void resetWhenMfaThenTheWrongCodesCountedBeforeAndTheLockStay() {
        var tenant = shop(Map.of("lockout_threshold", 3));
        var enrolled = enrolled(tenant);
        String email = enrolled.shopper().email();
        String token = challenge(enrolled.shopper());
        secondFactor(tenant, token, "999990").expect(401, "invalid_credentials");
        secondFactor(tenant, token, "999991").expect(401, "invalid_credentials");
        // whoever reads the mailbox resets the password: the link is a first factor, not a fresh count of guesses
        String firstLink = resetToken(tenant, email);
        String afterReset = reset(tenant, firstLink, "quiet violet harbour seventeen").expect(200).str("mfa_token");
        secondFactor(tenant, afterReset, "999992").expect(401, "invalid_credentials");
        assertThat(AuditEvents.of(api, tenant, enrolled.shopper().customerId(), "account.locked")).hasSize(1);

        // nor does a reset lift the lock: while it lasts, a right code is refused as a wrong one
        server.clock.advance(Duration.ofSeconds(120)); // past email_interval, within the lock's 900 s
        forgot(tenant, Map.of("email", email)).expect(202);
        String secondLink = smtp.awaitNewToken(email, RESET_SUBJECT, firstLink);
        String duringLock = reset(tenant, secondLink, "amber lantern quietly drifting").expect(200).str("mfa_token");
        secondFactor(tenant, duringLock, code(enrolled.secret(), 0)).expect(401, "invalid_credentials");
        assertThat(AuditEvents.of(api, tenant, enrolled.shopper().customerId(), "account.unlocked")).isEmpty();
    }

    @Test
    void disableWhenPasswordAndCodeThenLoginIsPasswordOnly() {
        var tenant = shop(Map.of());
        var enrolled = enrolled(tenant);
        var shopper = enrolled.shopper();
        api.post("/v1/me/mfa/disable").as(shopper).body(Map.of("password", shopper.password(), "code", "123456"))
                .send().expect(403, "invalid_code");
        api.post("/v1/me/mfa/disable").as(shopper).body(Map.of("password", "not the password", "code",
                code(enrolled.secret(), 0))).send().expect(403, "invalid_credentials");
        api.post("/v1/me/mfa/disable").as(shopper).body(Map.of("password", shopper.password(), "code",
                code(enrolled.secret(), 0))).send().expect(204);
        assertThat(passwordLogin(shopper).body().path("customer").path("mfa_enabled").asBoolean()).isFalse();
        assertThat(api.get("/v1/me/mfa").as(shopper).send().expect(200).body().path("recovery_codes_remaining")
                .asInt()).isZero();
        assertThat(TestSmtp.subject(smtp.awaitOne(shopper.email(), "Two-step sign-in is now off"))).isNotBlank();
        api.post("/v1/me/mfa/disable").as(shopper).body(Map.of("password", shopper.password(), "code", "123456"))
                .send().expect(409, "mfa_not_enabled");
        assertThat(AuditEvents.of(api, tenant, shopper.customerId(), "mfa.check_failed")).isNotEmpty();
    }

    @Test
    void regenerateWhenDoneThenOldCodesVoidAndNewOnesWork() {
        var tenant = shop(Map.of());
        var enrolled = enrolled(tenant);
        var shopper = enrolled.shopper();
        var fresh = api.post("/v1/me/mfa/recovery-codes").as(shopper).body(Map.of("password", shopper.password(),
                "code", enrolled.recoveryCodes().get(0))).send().expect(200).body().path("recovery_codes");
        assertThat(fresh).hasSize(10);
        secondFactor(tenant, challenge(shopper), enrolled.recoveryCodes().get(1)).expect(401, "invalid_credentials");
        secondFactor(tenant, challenge(shopper), fresh.get(0).asText()).expect(200);
        assertThat(AuditEvents.only(api, tenant, shopper.customerId(), "mfa.recovery_codes_regenerated"))
                .isNotNull();
    }

    @Test
    void adminResetWhenOwnCustomerThenOffAndWhenOtherTenantsThenNotFound() {
        var tenant = shop(Map.of());
        var other = shop(Map.of());
        var enrolled = enrolled(tenant);
        String path = "/v1/admin/customers/" + enrolled.shopper().customerId() + "/mfa";
        assertThat(api.get("/v1/admin/customers/" + enrolled.shopper().customerId()).bearer(tenant.sk()).send()
                .expect(200).body().path("mfa_enabled").asBoolean()).isTrue();
        api.delete(path).bearer(other.sk()).send().expect(404, "not_found");
        api.delete("/v1/admin/customers/cus_unknown/mfa").bearer(tenant.sk()).send().expect(404, "not_found");
        api.delete(path).bearer(tenant.pk()).send().expect(403, "insufficient_scope");
        api.delete(path).bearer(tenant.sk()).send().expect(204);
        api.delete(path).bearer(tenant.sk()).send().expect(409, "mfa_not_enabled");
        assertThat(AuditEvents.only(api, tenant, enrolled.shopper().customerId(), "mfa.reset").path("data")
                .path("by").asText()).isEqualTo("admin");
        assertThat(passwordLogin(enrolled.shopper()).body().has("access_token")).isTrue();
        assertThat(TestSmtp.text(smtp.awaitOne(enrolled.shopper().email(), "Two-step sign-in is now off")))
                .contains("support");
    }

    @Test
    void enrolWhenAddressUnprovenThenRefusedUntilVerifiedAndConfirmRefusedOnceTheMerchantUnverifiedIt() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        api.post("/v1/me/mfa/totp").as(shopper).body(Map.of("password", shopper.password())).send()
                .expect(403, "email_not_verified");
        assertThat(api.get("/v1/me/mfa").as(shopper).send().expect(200).body().path("totp_enabled").asBoolean())
                .isFalse();

        api.patch("/v1/admin/customers/" + shopper.customerId()).bearer(tenant.sk())
                .body(Map.of("email_verified", true)).send().expect(200);
        String secret = api.post("/v1/me/mfa/totp").as(shopper).body(Map.of("password", shopper.password())).send()
                .expect(200).str("secret");
        // the merchant marks the address unproven, between the seed and its first code (a move to a new address would
        // end the session as well)
        api.patch("/v1/admin/customers/" + shopper.customerId()).bearer(tenant.sk())
                .body(Map.of("email_verified", false)).send().expect(200);
        api.post("/v1/me/mfa/totp/confirm").as(shopper).body(Map.of("code", code(secret, 0))).send()
                .expect(403, "email_not_verified");
        assertThat(api.get("/v1/me/mfa").as(shopper).send().expect(200).body().path("totp_enabled").asBoolean())
                .isFalse();
    }

    /**
     * The asking session ends (a logout on another device, a password change elsewhere) after its token was checked,
     * while the confirmation waits for the account's row: once it has the row it finds the session ended, as for a
     * token revoked before, and two-step sign-in stays off.
     */
    @Test
    void confirmWhenItsSessionEndsWhileItWaitsForTheAccountThenRefusedAndTwoStepStaysOff() throws Exception {
        var tenant = shop(Map.of());
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        String secret = api.post("/v1/me/mfa/totp").as(shopper).body(Map.of("password", shopper.password())).send()
                .expect(200).str("secret");
        String code = code(secret, 0);

        Api.Res answer = RowLocks.commitWhileWaiting(server,
                new RowLocks.Sql("UPDATE customers SET updated_at = updated_at WHERE tenant_id = ? AND id = ?",
                        tenant.id(), shopper.customerId()),
                () -> api.post("/v1/me/mfa/totp/confirm").as(shopper).body(Map.of("code", code)).send(),
                new RowLocks.Sql("UPDATE sessions SET revoked_at = CURRENT_TIMESTAMP WHERE tenant_id = ? AND id = ?",
                        tenant.id(), shopper.sessionId()));

        answer.expect(401, "invalid_token");
        assertThat(AuditEvents.of(api, tenant, shopper.customerId(), "mfa.enabled")).isEmpty();
        assertThat(passwordLogin(shopper).body().has("access_token")).isTrue();
    }

    @Test
    void meMfaWhenAgentOrGuestTokenThenInsufficientScope() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        var agent = Agents.grant(api, shopper, "profile:read");
        String anonymous = api.post("/v1/anonymous").key(tenant.pk()).send().expect(201).str("access_token");
        for (String bearer : List.of(agent.accessToken(), anonymous)) {
            api.get("/v1/me/mfa").key(tenant.pk()).bearer(bearer).send().expect(403, "insufficient_scope");
            api.post("/v1/me/mfa/totp").key(tenant.pk()).bearer(bearer)
                    .body(Map.of("password", shopper.password())).send().expect(403, "insufficient_scope");
        }
    }

    @Test
    void exportWhenMfaOnThenStatusWithoutSeedOrCodes() {
        var tenant = shop(Map.of());
        var enrolled = enrolled(tenant);
        var export = api.get("/v1/me/export").as(enrolled.shopper()).send().expect(200);
        assertThat(export.body().path("mfa").path("totp_enabled").asBoolean()).isTrue();
        assertThat(export.raw()).doesNotContain(enrolled.secret()).doesNotContain(enrolled.recoveryCodes().get(5));
    }

    @Test
    void secondFactorWhenSecondFactorResetMeanwhileThenTokenDead() {
        var tenant = shop(Map.of());
        var enrolled = enrolled(tenant);
        String token = challenge(enrolled.shopper());
        api.delete("/v1/admin/customers/" + enrolled.shopper().customerId() + "/mfa").bearer(tenant.sk()).send()
                .expect(204);
        Map<String, Object> body = new HashMap<>(Map.of("mfa_token", token, "code", code(enrolled.secret(), 0)));
        api.post("/v1/auth/mfa").key(tenant.pk()).body(body).send().expect(401, "invalid_mfa_token");
    }

    @Test
    void eraseWhenMfaOnThenAccountAndItsSecondFactorGo() {
        var tenant = shop(Map.of());
        var enrolled = enrolled(tenant);
        challenge(enrolled.shopper());
        api.delete("/v1/admin/customers/" + enrolled.shopper().customerId()).bearer(tenant.sk()).send().expect(204);
        int left = server.app.database().read(h -> h.createQuery("SELECT (SELECT COUNT(*) FROM mfa_totp WHERE "
                + "customer_id = :id) + (SELECT COUNT(*) FROM mfa_recovery_codes WHERE customer_id = :id) + "
                + "(SELECT COUNT(*) FROM mfa_challenges WHERE customer_id = :id)")
                .bind("id", enrolled.shopper().customerId()).mapTo(Integer.class).one());
        assertThat(left).isZero();
    }
}
