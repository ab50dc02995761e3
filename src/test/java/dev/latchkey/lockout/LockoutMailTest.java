package dev.latchkey.lockout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.MailTest;
import dev.latchkey.testing.TestSmtp;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The lock notice the owner gets by real mail, and the end of a lock through a password reset or change. */
class LockoutMailTest extends MailTest {
    private static final String LOCKED_SUBJECT = "Your Test Shop account was locked";
    private static final String NEW_PASSWORD = "a brand new passphrase";

    /** Locks after three failures, for a minute at first. */
    private static Fixtures.Tenant strict() {
        return shop(Map.of("lockout_threshold", 3, "lockout_duration", 60));
    }

    private static JsonNode event(Fixtures.Shopper shopper, String type) {
        return AuditEvents.only(api, shopper.tenant(), shopper.customerId(), type);
    }

    private static void lock(Fixtures.Shopper shopper) {
        LockoutCalls.fail(api, shopper, 3);
        assertThat(LockoutCalls.state(api, shopper).path("locked").asBoolean()).isTrue();
    }

    @Test
    void lockThenOneNoticeMailAndNoMoreWhileTheLockLasts() {
        var shopper = Fixtures.verifiedShopper(api, strict(), Map.of("first_name", "Ada"));
        LockoutCalls.fail(api, shopper, 2);
        assertThat(queuedTo(shopper.email())).isZero();

        LockoutCalls.fail(api, shopper, 1);
        LockoutCalls.fail(api, shopper, 4);
        LockoutCalls.login(api, shopper, shopper.password()).expect(401, "invalid_credentials");

        assertThat(queuedTo(shopper.email())).isEqualTo(1);
        MimeMessage notice = smtp.awaitOne(shopper.email(), LOCKED_SUBJECT);
        Instant lockedUntil = Instant.parse(LockoutCalls.state(api, shopper).path("locked_until").asText());
        assertThat(TestSmtp.text(notice)).contains("Hello Ada").contains(shopper.email())
                .contains("locked until " + lockedUntil.truncatedTo(ChronoUnit.SECONDS))
                .doesNotContain("token=").doesNotContain(LockoutCalls.WRONG);
        assertThat(queuedTo(shopper.email())).isEqualTo(1);
    }

    @Test
    void lockAgainAfterTheLockEndedThenAnotherNotice() {
        var shopper = Fixtures.shopper(api, strict());
        lock(shopper);
        smtp.awaitOne(shopper.email(), LOCKED_SUBJECT);
        server.clock.advance(Duration.ofSeconds(61));
        LockoutCalls.fail(api, shopper, 2);
        assertThat(queuedTo(shopper.email())).isEqualTo(1);

        LockoutCalls.fail(api, shopper, 1);

        assertThat(queuedTo(shopper.email())).isEqualTo(2);
        assertThat(smtp.await(shopper.email(), 2)).allMatch(mail -> TestSmtp.subject(mail).equals(LOCKED_SUBJECT));
        assertThat(LockoutCalls.lockLength(LockoutCalls.state(api, shopper))).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void resetThroughTheMailThenLockoutClearedAndTheNewPasswordLogsInAtOnce() {
        var tenant = strict();
        var shopper = Fixtures.shopper(api, tenant);
        lock(shopper);

        reset(tenant, resetToken(tenant, shopper.email()), NEW_PASSWORD).expect(200);

        JsonNode state = LockoutCalls.state(api, shopper);
        assertThat(state.path("locked").asBoolean()).isFalse();
        assertThat(state.path("locked_until").isNull()).isTrue();
        assertThat(state.path("failed_attempts").asInt()).isZero();
        LockoutCalls.login(api, shopper, NEW_PASSWORD).expect(200);
        event(shopper, "password.reset");
        JsonNode unlocked = event(shopper, "account.unlocked");
        assertThat(unlocked.path("data").path("by").asText()).isEqualTo("password_reset");
        assertThat(unlocked.path("data").path("was_locked").asBoolean()).isTrue();
        assertThat(event(shopper, "account.locked").path("data").path("lock_count").asInt()).isEqualTo(1);
        // The reset proved the address, and forgot the earlier lock: the next one is a first lock again.
        assertThat(event(shopper, "email.verified").path("ip").asText()).isEqualTo("127.0.0.1");
        LockoutCalls.fail(api, shopper, 3);
        assertThat(LockoutCalls.lockLength(LockoutCalls.state(api, shopper))).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void changePasswordAfterALockThenItsHistoryIsForgottenAndRecordedAsAChange() {
        var shopper = Fixtures.shopper(api, strict());
        lock(shopper);
        var change = Map.<String, Object>of("current_password", shopper.password(), "new_password", NEW_PASSWORD);
        // while the lock lasts, the right current password is refused as a login is (see CurrentPasswordLockoutTest)
        changePassword(shopper, change).expect(403, "invalid_credentials");
        server.clock.advance(Duration.ofSeconds(61));

        changePassword(shopper, change).expect(204);

        LockoutCalls.login(api, shopper, NEW_PASSWORD).expect(200);
        JsonNode unlocked = event(shopper, "account.unlocked");
        assertThat(unlocked.path("data").path("by").asText()).isEqualTo("password_change");
        assertThat(unlocked.path("data").path("was_locked").asBoolean()).isFalse();
        event(shopper, "password.changed");
        assertThat(AuditEvents.of(api, shopper.tenant(), shopper.customerId(), "password.reset")).isEmpty();
        // the change forgot the earlier lock: the next one is a first lock again
        LockoutCalls.fail(api, shopper, 3);
        assertThat(LockoutCalls.lockLength(LockoutCalls.state(api, shopper))).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void changePasswordWithoutFailuresThenNoUnlockRecorded() {
        var shopper = Fixtures.shopper(api, strict());

        changePassword(shopper, Map.of("current_password", shopper.password(), "new_password", NEW_PASSWORD))
                .expect(204);

        assertThat(AuditEvents.of(api, shopper.tenant(), shopper.customerId(), "account.unlocked")).isEmpty();
    }
}
