package dev.latchkey.credential;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.MailTest;
import dev.latchkey.testing.Problems;
import dev.latchkey.testing.TestSmtp;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The emailed flows as the audit log records them, and the password policy (which knows the account) on a reset and
 * a change: a refused password changes nothing and leaves the reset token usable.
 */
class CredentialAuditAndPolicyTest extends MailTest {
    private static final String NEW_PASSWORD = "a brand new passphrase";

    /** The bad passwords of a shopper named Bartholomew whose address starts with "shopper-". */
    private static final Map<String, String> REFUSED = Map.of(
            "Shopper rides a purple tandem", "contains_personal_info",
            "purple-bartholomew-tandem", "contains_personal_info",
            "football", "too_common",
            "ｐａｓｓｗｏｒｄ１２３", "too_common");

    private static int count(Fixtures.Shopper shopper, String type) {
        return AuditEvents.of(api, shopper.tenant(), shopper.customerId(), type).size();
    }

    private static Api.Res change(Fixtures.Shopper shopper, String newPassword) {
        return changePassword(shopper, Map.of("current_password", shopper.password(), "new_password", newPassword));
    }

    @Test
    void verifyThenEmailVerifiedRecorded() {
        var tenant = shop(Map.of());
        String email = Fixtures.uniqueEmail();
        String token = verificationToken(tenant, email);
        var shopper = Fixtures.login(api, tenant, email, Fixtures.PASSWORD);
        assertThat(count(shopper, "email.verified")).isZero();

        verify(tenant, Map.of("token", token)).expect(200);

        var verified = AuditEvents.only(api, tenant, shopper.customerId(), "email.verified");
        assertThat(verified.path("ip").asText()).isEqualTo("127.0.0.1");
        assertThat(verified.path("user_agent").asText()).isNotBlank();
    }

    @Test
    void changePasswordThenPasswordChangedRecorded() {
        var shopper = Fixtures.shopper(api, shop(Map.of()));

        change(shopper, NEW_PASSWORD).expect(204);

        var changed = AuditEvents.only(api, shopper.tenant(), shopper.customerId(), "password.changed");
        assertThat(changed.path("data").path("other_sessions_revoked").asBoolean()).isTrue();
        assertThat(changed.path("ip").asText()).isEqualTo("127.0.0.1");
        assertThat(count(shopper, "password.reset")).isZero();
    }

    @Test
    void changePasswordOrEmailWhenPasswordWrongThenFailedCheckRecordedAndNothingChanges() {
        var shopper = Fixtures.shopper(api, shop(Map.of()));

        changePassword(shopper, Map.of("current_password", "not my password", "new_password", NEW_PASSWORD))
                .expect(403, "invalid_credentials");
        changeEmail(shopper, Map.of("new_email", Fixtures.uniqueEmail(), "password", "not my password"))
                .expect(403, "invalid_credentials");

        var failed = AuditEvents.of(api, shopper.tenant(), shopper.customerId(), "password.check_failed");
        assertThat(failed).extracting(event -> event.path("data").path("action").asText())
                .containsExactlyInAnyOrder("password_change", "email_change");
        assertThat(failed).allSatisfy(event -> assertThat(event.path("ip").asText()).isEqualTo("127.0.0.1"));
        assertThat(failed.toString()).doesNotContain("not my password");
        assertThat(count(shopper, "password.changed")).isZero();
        assertThat(count(shopper, "email.change_requested")).isZero();
    }

    @Test
    void changeEmailThenRequestAndChangeRecordedEachOnce() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        String newEmail = Fixtures.uniqueEmail();
        changeEmail(shopper, Map.of("new_email", newEmail, "password", shopper.password())).expect(202);
        assertThat(count(shopper, "email.change_requested")).isEqualTo(1);
        assertThat(count(shopper, "email.changed")).isZero();

        confirmEmail(tenant, TestSmtp.token(smtp.awaitOne(newEmail))).expect(200);

        assertThat(count(shopper, "email.changed")).isEqualTo(1);
        assertThat(count(shopper, "email.change_requested")).isEqualTo(1);
        // The confirmation also proves the new address.
        assertThat(AuditEvents.only(api, tenant, shopper.customerId(), "email.verified").path("ip").asText())
                .isEqualTo("127.0.0.1");
        assertThat(AuditEvents.types(api, tenant, shopper.customerId()))
                .containsSubsequence("email.changed", "email.change_requested", "customer.registered");
    }

    @Test
    void resetWhenPasswordPersonalOrCommonThenRefusedAndTokenStaysUsable() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant, Map.of("first_name", "Bartholomew"));
        String token = resetToken(tenant, shopper.email());

        REFUSED.forEach((password, code) -> Problems.assertInvalid(reset(tenant, token, password),
                "new_password", code));

        assertThat(queuedTo(shopper.email())).as("no password-changed notice").isEqualTo(1);
        login(tenant, shopper.email(), shopper.password()).expect(200);
        reset(tenant, token, NEW_PASSWORD).expect(200);
        login(tenant, shopper.email(), NEW_PASSWORD).expect(200);
        assertThat(count(shopper, "password.reset")).isEqualTo(1);
    }

    @Test
    void changePasswordWhenPersonalOrCommonThenRefusedAndNothingChanges() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant, Map.of("first_name", "Bartholomew"));
        var otherDevice = Fixtures.login(api, tenant, shopper.email(), shopper.password());

        REFUSED.forEach((password, code) -> Problems.assertInvalid(change(shopper, password), "new_password", code));

        api.get("/v1/me").as(otherDevice).send().expect(200);
        login(tenant, shopper.email(), shopper.password()).expect(200);
        assertThat(count(shopper, "password.changed")).isZero();
        assertThat(queuedTo(shopper.email())).isZero();
        change(shopper, NEW_PASSWORD).expect(204);
    }

    @Test
    void changePasswordWhenNameChangedMeanwhileThenTheNewNameCounts() {
        var shopper = Fixtures.shopper(api, shop(Map.of()), Map.of("first_name", "Bartholomew"));
        api.patch("/v1/me").as(shopper).body(Map.of("first_name", "Zenobia")).send().expect(200);

        Problems.assertInvalid(change(shopper, "zenobia rides a purple tandem"), "new_password",
                "contains_personal_info");
        change(shopper, "bartholomew rides a purple tandem").expect(204);
    }

    @Test
    void resetWhenAddressChangedThenTheNewLocalPartCounts() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        String newEmail = "quetzalcoatl." + Fixtures.uniqueId("x") + "@example.com";
        moveTo(shopper, newEmail);

        String token = resetToken(tenant, newEmail);

        Problems.assertInvalid(reset(tenant, token, "Quetzalcoatl rides a tandem"), "new_password",
                "contains_personal_info");
        reset(tenant, token, NEW_PASSWORD).expect(200);
    }
}
