package dev.latchkey.lockout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.RowLocks;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The current password asked for by a password or email change is checked under the account's lockout, as a login's
 * is: whoever holds a shopper's session must not be able to guess the password there without limit.
 */
class CurrentPasswordLockoutTest extends ApiTest {
    private static final String WRONG = LockoutCalls.WRONG;
    private static final String NEW_PASSWORD = "a brand new passphrase";

    private Fixtures.Shopper shopper() {
        return Fixtures.shopper(api, Fixtures.tenant(api, Map.of("lockout_threshold", 3, "lockout_duration", 60)));
    }

    private Api.Res changePassword(Fixtures.Shopper shopper, String current) {
        return api.post("/v1/me/password").as(shopper)
                .body(Map.of("current_password", current, "new_password", NEW_PASSWORD)).send();
    }

    private Api.Res changeEmail(Fixtures.Shopper shopper, String password) {
        return api.post("/v1/me/email").as(shopper)
                .body(Map.of("new_email", Fixtures.uniqueEmail(), "password", password)).send();
    }

    /**
     * A password change or reset that lands between the check of the current password and the change refuses the
     * change; the refusal is recorded as such and is not a failed attempt (the password was right when checked).
     */
    @Test
    void changePasswordWhenAnotherChangeLandsWhileItWaitsThenRefusedAndRecordedAsPasswordChanged() throws Exception {
        var shopper = shopper();

        var answer = RowLocks.commitWhileWaiting(server,
                "UPDATE customers SET password_hash = CONCAT('moved', password_hash) WHERE tenant_id = ? AND id = ?",
                () -> changePassword(shopper, shopper.password()), shopper.tenant().id(), shopper.customerId());

        answer.expect(403, "invalid_credentials");
        var checks = AuditEvents.of(api, shopper.tenant(), shopper.customerId(), "password.check_failed");
        assertThat(checks).extracting(event -> event.path("data").path("reason").asText() + " "
                + event.path("data").path("action").asText()).containsExactly("password_changed password_change");
        assertThat(LockoutCalls.state(api, shopper).path("failed_attempts").asInt()).isZero();
    }

    @Test
    void changePasswordWhenCurrentWrongThresholdTimesThenAccountLockedAndCorrectOneRefused() {
        var shopper = shopper();
        for (int i = 0; i < 3; i++) {
            changePassword(shopper, WRONG).expect(403, "invalid_credentials");
        }
        JsonNode state = LockoutCalls.state(api, shopper);
        assertThat(state.path("locked").asBoolean()).isTrue();
        assertThat(state.path("failed_attempts").asInt()).isEqualTo(3);
        assertThat(AuditEvents.only(api, shopper.tenant(), shopper.customerId(), "account.locked")
                .path("data").path("lock_count").asInt()).isEqualTo(1);

        // the right password gets the same answer while the lock lasts, and changes nothing
        var refused = changePassword(shopper, shopper.password()).expect(403, "invalid_credentials");
        var wrong = changePassword(shopper, WRONG).expect(403, "invalid_credentials");
        assertThat(refused.body().path("detail")).isEqualTo(wrong.body().path("detail"));
        changeEmail(shopper, shopper.password()).expect(403, "invalid_credentials");
        LockoutCalls.login(api, shopper, shopper.password()).expect(401, "invalid_credentials");
        var checks = AuditEvents.of(api, shopper.tenant(), shopper.customerId(), "password.check_failed");
        assertThat(checks).extracting(event -> event.path("data").path("reason").asText() + " "
                        + event.path("data").path("action").asText())
                .containsExactlyInAnyOrder("wrong_password password_change", "wrong_password password_change",
                        "wrong_password password_change", "wrong_password password_change",
                        "locked password_change", "locked email_change");

        server.clock.advance(Duration.ofSeconds(61));
        LockoutCalls.login(api, shopper, NEW_PASSWORD).expect(401, "invalid_credentials");
        changePassword(shopper, shopper.password()).expect(204);
        LockoutCalls.login(api, shopper, NEW_PASSWORD).expect(200);
        assertThat(LockoutCalls.state(api, shopper).path("failed_attempts").asInt()).isZero();
    }

    /**
     * While locked, the right password must not reach a check that only a right one reaches: a new password with the
     * shopper's name, the account's own address, an address another account has. Each is answered as a wrong password
     * is, and nothing changes.
     */
    @Test
    void changeWhileLockedWithRightPasswordThenNoCheckBeyondThePasswordAnswers() {
        var shopper = Fixtures.shopper(api, Fixtures.tenant(api, Map.of("lockout_threshold", 3,
                "lockout_duration", 60)), Map.of("first_name", "Wilhelmina"));
        var other = Fixtures.shopper(api, shopper.tenant());
        // before the lock, each of these tells a right password by its own answer
        api.post("/v1/me/password").as(shopper).body(Map.of("current_password", shopper.password(),
                "new_password", "wilhelmina quietly hums")).send().expect(422, "validation_failed");
        api.post("/v1/me/email").as(shopper).body(Map.of("new_email", shopper.email(),
                "password", shopper.password())).send().expect(422, "validation_failed");
        api.post("/v1/me/email").as(shopper).body(Map.of("new_email", other.email(),
                "password", shopper.password())).send().expect(409, "email_taken");
        for (int i = 0; i < 3; i++) {
            changePassword(shopper, WRONG).expect(403, "invalid_credentials");
        }

        for (String password : new String[] {shopper.password(), WRONG}) {
            api.post("/v1/me/password").as(shopper).body(Map.of("current_password", password,
                    "new_password", "wilhelmina quietly hums")).send().expect(403, "invalid_credentials");
            api.post("/v1/me/email").as(shopper).body(Map.of("new_email", shopper.email(),
                    "password", password)).send().expect(403, "invalid_credentials");
            api.post("/v1/me/email").as(shopper).body(Map.of("new_email", other.email(),
                    "password", password)).send().expect(403, "invalid_credentials");
        }
        var checks = AuditEvents.of(api, shopper.tenant(), shopper.customerId(), "password.check_failed");
        assertThat(checks).extracting(event -> event.path("data").path("reason").asText() + " "
                        + event.path("data").path("action").asText())
                .filteredOn(check -> check.startsWith("locked"))
                .containsExactlyInAnyOrder("locked password_change", "locked email_change", "locked email_change");
        assertThat(AuditEvents.of(api, shopper.tenant(), shopper.customerId(), "email.change_requested")).isEmpty();
        server.clock.advance(Duration.ofSeconds(61));
        LockoutCalls.login(api, shopper, shopper.password()).expect(200);
    }

    @Test
    void wrongPasswordsAtLoginAndInChangesCountTogether() {
        var shopper = shopper();
        LockoutCalls.fail(api, shopper, 1);
        changeEmail(shopper, WRONG).expect(403, "invalid_credentials");
        assertThat(LockoutCalls.state(api, shopper).path("failed_attempts").asInt()).isEqualTo(2);
        changePassword(shopper, WRONG).expect(403, "invalid_credentials");
        assertThat(LockoutCalls.state(api, shopper).path("locked").asBoolean()).isTrue();
        LockoutCalls.login(api, shopper, shopper.password()).expect(401, "invalid_credentials");
    }

    @Test
    void changeWhenCurrentPasswordRightThenEarlierFailuresAreForgotten() {
        var shopper = shopper();
        LockoutCalls.fail(api, shopper, 2);
        changeEmail(shopper, shopper.password()).expect(202);
        assertThat(LockoutCalls.state(api, shopper).path("failed_attempts").asInt()).isZero();
        LockoutCalls.fail(api, shopper, 2);
        LockoutCalls.login(api, shopper, shopper.password()).expect(200);
    }
}
