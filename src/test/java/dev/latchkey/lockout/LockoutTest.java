package dev.latchkey.lockout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LockoutTest extends ApiTest {
    private static final String WRONG = LockoutCalls.WRONG;

    private Fixtures.Tenant tenant(int threshold, int duration) {
        return Fixtures.tenant(api, Map.of("lockout_threshold", threshold, "lockout_duration", duration));
    }

    private Api.Res login(Fixtures.Shopper shopper, String password) {
        return LockoutCalls.login(api, shopper, password);
    }

    private void fail(Fixtures.Shopper shopper, int times) {
        LockoutCalls.fail(api, shopper, times);
    }

    private JsonNode lockout(Fixtures.Shopper shopper) {
        return LockoutCalls.state(api, shopper);
    }

    private static Duration lockLength(JsonNode lockout) {
        return LockoutCalls.lockLength(lockout);
    }

    @Test
    void loginWhenThresholdReachedThenCorrectPasswordGetsTheSameRefusal() {
        var shopper = Fixtures.shopper(api, tenant(3, 60));
        fail(shopper, 2);
        assertThat(lockout(shopper).path("locked").asBoolean()).isFalse();
        fail(shopper, 1);
        var refused = login(shopper, shopper.password()).expect(401, "invalid_credentials");
        var unknown = api.post("/v1/auth/login").key(shopper.tenant().pk())
                .body(Map.of("email", Fixtures.uniqueEmail(), "password", WRONG)).send().expect(401);
        assertThat(refused.body().path("detail")).isEqualTo(unknown.body().path("detail"));
        JsonNode state = lockout(shopper);
        assertThat(state.path("locked").asBoolean()).isTrue();
        assertThat(state.path("failed_attempts").asInt()).isEqualTo(3);
        assertThat(lockLength(state)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void loginWhenLockExpiredThenCorrectPasswordLogsIn() {
        var shopper = Fixtures.shopper(api, tenant(3, 60));
        fail(shopper, 3);
        server.clock.advance(Duration.ofSeconds(61));
        login(shopper, shopper.password()).expect(200);
        JsonNode state = lockout(shopper);
        assertThat(state.path("locked").asBoolean()).isFalse();
        assertThat(state.path("locked_until").isNull()).isTrue();
        assertThat(state.path("failed_attempts").asInt()).isZero();
    }

    @Test
    void lockWhenAccountLockedBeforeThenEachLockLastsTwiceAsLong() {
        var shopper = Fixtures.shopper(api, tenant(3, 60));
        assertThat(lockout(shopper).path("lock_count").asInt()).isZero();
        fail(shopper, 3);
        assertThat(lockout(shopper).path("lock_count").asInt()).isEqualTo(1);
        server.clock.advance(Duration.ofSeconds(61));
        fail(shopper, 3);
        assertThat(lockLength(lockout(shopper))).isEqualTo(Duration.ofSeconds(120));
        assertThat(lockout(shopper).path("lock_count").asInt()).isEqualTo(2);
        server.clock.advance(Duration.ofSeconds(61));
        login(shopper, shopper.password()).expect(401, "invalid_credentials");
        server.clock.advance(Duration.ofSeconds(60));
        login(shopper, shopper.password()).expect(200);
        assertThat(lockout(shopper).path("lock_count").asInt()).as("a login does not forget them").isEqualTo(2);
        fail(shopper, 3);
        assertThat(lockLength(lockout(shopper))).isEqualTo(Duration.ofSeconds(240));
        assertThat(lockout(shopper).path("lock_count").asInt()).isEqualTo(3);
    }

    @Test
    void lockWhenDoublingWouldPassADayThenItLastsADay() {
        var shopper = Fixtures.shopper(api, tenant(2, 50_000));
        fail(shopper, 2);
        assertThat(lockLength(lockout(shopper))).isEqualTo(Duration.ofSeconds(50_000));
        server.clock.advance(Duration.ofSeconds(50_001));
        fail(shopper, 2);
        assertThat(lockLength(lockout(shopper))).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void lockWhenADayPassedWithoutFailuresThenEarlierLocksAreForgotten() {
        var shopper = Fixtures.shopper(api, tenant(3, 60));
        fail(shopper, 3);
        server.clock.advance(Duration.ofHours(24).plusSeconds(1));
        assertThat(lockout(shopper).path("lock_count").asInt()).as("as it counts now").isZero();
        fail(shopper, 3);
        assertThat(lockLength(lockout(shopper))).isEqualTo(Duration.ofSeconds(60));
        assertThat(lockout(shopper).path("lock_count").asInt()).isEqualTo(1);
    }

    @Test
    void loginWhenCorrectBeforeThresholdThenFailureCountStartsAgain() {
        var shopper = Fixtures.shopper(api, tenant(3, 60));
        fail(shopper, 2);
        login(shopper, shopper.password()).expect(200);
        fail(shopper, 2);
        JsonNode state = lockout(shopper);
        assertThat(state.path("locked").asBoolean()).isFalse();
        assertThat(state.path("failed_attempts").asInt()).isEqualTo(2);
        login(shopper, shopper.password()).expect(200);
    }

    @Test
    void loginWhenLockedAccountIsAlsoOnHoldThenCorrectPasswordLearnsNothingOfTheHold() {
        var shopper = Fixtures.shopper(api, tenant(3, 60));
        fail(shopper, 3);
        api.patch("/v1/admin/customers/" + shopper.customerId()).bearer(shopper.tenant().sk())
                .body(Map.of("status", "on_hold")).send().expect(200);
        login(shopper, shopper.password()).expect(401, "invalid_credentials");
        JsonNode refused = AuditEvents.of(api, shopper.tenant(), shopper.customerId(), "login.failed").get(0);
        assertThat(refused.path("data").path("reason").asText()).isEqualTo("locked");
        assertThat(lockout(shopper).path("failed_attempts").asInt()).isEqualTo(3);
        server.clock.advance(Duration.ofSeconds(61));
        login(shopper, shopper.password()).expect(403, "account_on_hold");
        assertThat(lockout(shopper).path("failed_attempts").asInt()).isZero();
        assertThat(api.get("/v1/admin/customers/" + shopper.customerId() + "/sessions").bearer(shopper.tenant().sk())
                .send().expect(200).body().path("data").size()).isZero();
    }

    @Test
    void failuresWhileLockedThenLockIsNotLengthened() {
        var shopper = Fixtures.shopper(api, tenant(3, 60));
        fail(shopper, 3);
        String lockedUntil = lockout(shopper).path("locked_until").asText();
        server.clock.advance(Duration.ofSeconds(30));
        fail(shopper, 5);
        assertThat(lockout(shopper).path("locked_until").asText()).isEqualTo(lockedUntil);
        server.clock.advance(Duration.ofSeconds(31));
        login(shopper, shopper.password()).expect(200);
    }

    @Test
    void deleteLockoutThenUnlockedAndNextLockIsShortAgain() {
        var shopper = Fixtures.shopper(api, tenant(3, 60));
        fail(shopper, 3);
        server.clock.advance(Duration.ofSeconds(61));
        fail(shopper, 3);
        api.delete("/v1/admin/customers/" + shopper.customerId() + "/lockout").bearer(shopper.tenant().sk())
                .send().expect(204);
        JsonNode state = lockout(shopper);
        assertThat(state.path("locked").asBoolean()).isFalse();
        assertThat(state.path("failed_attempts").asInt()).isZero();
        assertThat(state.path("lock_count").asInt()).isZero();
        login(shopper, shopper.password()).expect(200);
        fail(shopper, 3);
        assertThat(lockLength(lockout(shopper))).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void lockAndUnlockAreRecordedInTheAuditLog() {
        var shopper = Fixtures.shopper(api, tenant(3, 60));
        fail(shopper, 3);
        api.delete("/v1/admin/customers/" + shopper.customerId() + "/lockout").bearer(shopper.tenant().sk())
                .send().expect(204);
        JsonNode unlocked = onlyEvent(shopper, "account.unlocked");
        assertThat(unlocked.path("data").path("by").asText()).isEqualTo("admin");
        assertThat(unlocked.path("data").path("was_locked").asBoolean()).isTrue();
        JsonNode locked = onlyEvent(shopper, "account.locked");
        assertThat(locked.path("data").path("lock_count").asInt()).isEqualTo(1);
        assertThat(locked.path("data").path("duration_seconds").asInt()).isEqualTo(60);
        assertThat(locked.path("ip").asText()).isEqualTo("127.0.0.1");
    }

    private JsonNode onlyEvent(Fixtures.Shopper shopper, String type) {
        return AuditEvents.only(api, shopper.tenant(), shopper.customerId(), type);
    }

    @Test
    void lockoutWhenCustomerOfAnotherTenantThenNotFound() {
        var shopper = Fixtures.shopper(api, tenant(3, 60));
        var other = Fixtures.tenant(api);
        String path = "/v1/admin/customers/" + shopper.customerId() + "/lockout";
        api.get(path).bearer(other.sk()).send().expect(404, "not_found");
        api.delete(path).bearer(other.sk()).send().expect(404, "not_found");
        api.get("/v1/admin/customers/cus_doesNotExist/lockout").bearer(shopper.tenant().sk()).send()
                .expect(404, "not_found");
        api.delete("/v1/admin/customers/cus_doesNotExist/lockout").bearer(shopper.tenant().sk()).send()
                .expect(404, "not_found");
    }

    @Test
    void lockoutWhenNotTheSecretKeyThenRefused() {
        var shopper = Fixtures.shopper(api, tenant(3, 60));
        String path = "/v1/admin/customers/" + shopper.customerId() + "/lockout";
        api.get(path).bearer(shopper.tenant().pk()).send().expect(403, "insufficient_scope");
        api.delete(path).bearer(shopper.tenant().pk()).send().expect(403, "insufficient_scope");
        api.get(path).send().expect(401, "invalid_api_key");
        api.delete(path).bearer(shopper.accessToken()).send().expect(403, "insufficient_scope");
    }
}
