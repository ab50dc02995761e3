package dev.latchkey.lockout;

import dev.latchkey.audit.AuditLog;
import dev.latchkey.http.ClientAddresses;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.Json;
import dev.latchkey.ratelimit.InMemoryRateLimiter;
import dev.latchkey.ratelimit.RateLimitSettings;
import dev.latchkey.ratelimit.RateLimits;
import dev.latchkey.tenant.TenantSettings;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The hooks other features build on: the lock event for the owner's notice mail, and the unlock of a password reset. */
class LockoutServiceTest extends ApiTest {
    private static final ClientInfo CLIENT = new ClientInfo("192.0.2.1", "LockoutServiceTest");

    private final List<AccountLocked> heard = new CopyOnWriteArrayList<>();
    private final AuditLog audit = new AuditLog(server.app.database(), Json.mapper(), server.clock);
    private final LockoutService lockout = new LockoutService(server.app.database(), audit,
            List.of(event -> {
                throw new IllegalStateException("a failing listener must not stop the others");
            }, heard::add), new RateLimits(new InMemoryRateLimiter(server.clock), RateLimitSettings.DEFAULTS,
            new ClientAddresses(List.of())), server.clock);

    @Test
    void attemptWhenThresholdReachedThenListenersHearOfTheLockOnce() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        TenantSettings strict = Fixtures.settings(Map.of("lockout_threshold", 2, "lockout_duration", 60));
        assertThat(attempt(tenant, shopper, strict, false)).isEqualTo(LockoutService.Verdict.WRONG_PASSWORD);
        assertThat(heard).isEmpty();
        assertThat(attempt(tenant, shopper, strict, false)).isEqualTo(LockoutService.Verdict.WRONG_PASSWORD);
        assertThat(attempt(tenant, shopper, strict, false)).isEqualTo(LockoutService.Verdict.LOCKED);
        assertThat(attempt(tenant, shopper, strict, true)).isEqualTo(LockoutService.Verdict.LOCKED);

        assertThat(heard).hasSize(1);
        AccountLocked event = heard.get(0);
        assertThat(event.tenantId()).isEqualTo(tenant.id());
        assertThat(event.customerId()).isEqualTo(shopper.customerId());
        assertThat(event.email()).isEqualTo(shopper.email());
        assertThat(event.lockCount()).isEqualTo(1);
        assertThat(event.durationSeconds()).isEqualTo(60);
        assertThat(event.client()).isEqualTo(CLIENT);
    }

    private LockoutService.Verdict attempt(Fixtures.Tenant tenant, Fixtures.Shopper shopper, TenantSettings settings,
                                           boolean passwordOk) {
        return passwordOk
                ? server.app.database().tx(h -> lockout.attemptWithCorrectPassword(h, tenant.id(), settings,
                        shopper.customerId(), LockoutStore.CUSTOMERS.find(h, tenant.id(), shopper.customerId(), true)
                                .orElseThrow()))
                : lockout.attemptWithWrongPassword(tenant.id(), settings, shopper.customerId(), shopper.email(), CLIENT);
    }

    @Test
    void attemptWithCorrectPasswordWhenNotLockedThenAllowedAndFailuresForgotten() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        TenantSettings settings = Fixtures.settings(Map.of("lockout_threshold", 3, "lockout_duration", 60));
        attempt(tenant, shopper, settings, false);
        attempt(tenant, shopper, settings, false);
        assertThat(lockout.status(tenant.id(), shopper.customerId()).failedAttempts()).isEqualTo(2);
        assertThat(attempt(tenant, shopper, settings, true)).isEqualTo(LockoutService.Verdict.ALLOWED);
        assertThat(lockout.status(tenant.id(), shopper.customerId()).failedAttempts()).isZero();
        assertThat(attempt(tenant, shopper, settings, false)).isEqualTo(LockoutService.Verdict.WRONG_PASSWORD);
        assertThat(heard).isEmpty();
    }

    @Test
    void clearWhenPasswordResetThenUnlockedAndRecorded() {
        var tenant = Fixtures.tenant(api, Map.of("lockout_threshold", 2, "lockout_duration", 600));
        var shopper = Fixtures.shopper(api, tenant);
        for (int i = 0; i < 2; i++) {
            api.post("/v1/auth/login").key(tenant.pk())
                    .body(Map.of("email", shopper.email(), "password", "wrong password here")).send().expect(401);
        }
        boolean found = server.app.database().tx(h -> lockout.clear(h, tenant.id(), shopper.customerId(),
                LockoutService.UnlockReason.PASSWORD_RESET, CLIENT));
        assertThat(found).isTrue();
        Fixtures.login(api, tenant, shopper.email(), shopper.password());
        var event = api.get("/v1/admin/audit?type=account.unlocked").bearer(tenant.sk()).send().expect(200)
                .body().path("data").get(0);
        assertThat(event.path("data").path("by").asText()).isEqualTo("password_reset");
        assertThat(event.path("data").path("was_locked").asBoolean()).isTrue();
        assertThat(event.path("ip").asText()).isEqualTo("192.0.2.1");
    }

    @Test
    void clearWhenNothingToClearThenNotRecordedAndUnknownCustomerIsReported() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        var db = server.app.database();
        boolean cleared = db.tx(h -> lockout.clear(h, tenant.id(), shopper.customerId(),
                LockoutService.UnlockReason.PASSWORD_RESET, CLIENT));
        assertThat(cleared).isTrue();
        assertThat(api.get("/v1/admin/audit?type=account.unlocked").bearer(tenant.sk()).send().expect(200)
                .body().path("data")).isEmpty();
        String otherTenant = Fixtures.tenant(api).id();
        boolean foundElsewhere = db.tx(h -> lockout.clear(h, otherTenant, shopper.customerId(),
                LockoutService.UnlockReason.PASSWORD_RESET, CLIENT));
        assertThat(foundElsewhere).isFalse();
    }
}
