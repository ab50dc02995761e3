package dev.latchkey.auth;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static dev.latchkey.testing.Tokens.anonymous;
import static dev.latchkey.testing.Tokens.assertRefused;
import static dev.latchkey.testing.Tokens.refresh;
import static dev.latchkey.testing.Tokens.refreshAnonymous;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A customer's session lasts at most {@code session_max_lifetime} from its login, however often it is refreshed or
 * renewed: no token outlives that end, and after it the shopper logs in again. Guest sessions have no such end.
 */
class SessionLifetimeTest extends ApiTest {
    private static final Map<String, Object> ONE_HOUR = Map.of("session_max_lifetime", 3600,
            "access_token_ttl", 2400, "refresh_token_ttl", 86_400);

    private Api.Res renew(Fixtures.Tenant tenant, String accessToken) {
        return api.post("/v1/auth/renew").key(tenant.pk()).bearer(accessToken).send();
    }

    private void advance(long seconds) {
        server.clock.advance(Duration.ofSeconds(seconds));
    }

    /**
     * The pairs a refresh stores end by the session's end too (on PostgreSQL a refresh is a batched statement, which
     * writes them): the refreshed tokens, used by nothing since, are refused just after it.
     */
    @Test
    void refreshAndRenewNeverReachPastTheSessionsEndAndAfterItTheShopperLogsInAgain() {
        var tenant = Fixtures.tenant(api, ONE_HOUR);
        var shopper = Fixtures.shopper(api, tenant);
        var phone = Fixtures.login(api, tenant, shopper.email(), shopper.password());
        assertThat(shopper.authResult().path("expires_in").asLong()).isEqualTo(2400);
        assertThat(shopper.authResult().path("refresh_token_expires_in").asLong()).isEqualTo(3600);

        advance(1000);
        var first = refresh(api, tenant, shopper.refreshToken()).expect(200);
        var phoneFirst = refresh(api, tenant, phone.refreshToken()).expect(200);
        assertThat(first.body().path("expires_in").asLong()).isEqualTo(2400);
        // the session's end is counted from the login; the test clock runs on with real time, so allow a second
        assertThat(first.body().path("refresh_token_expires_in").asLong()).isBetween(2599L, 2600L);

        advance(2000);
        var second = refresh(api, tenant, first.str("refresh_token")).expect(200);
        assertThat(second.body().path("expires_in").asLong()).isBetween(599L, 600L);
        assertThat(second.body().path("refresh_token_expires_in").asLong()).isBetween(599L, 600L);
        var renewed = renew(tenant, phoneFirst.str("access_token")).expect(200);
        assertThat(renewed.body().path("expires_in").asLong()).isBetween(599L, 600L);
        assertThat(renewed.body().path("refresh_token_expires_in").asLong()).isBetween(599L, 600L);
        var listed = api.get("/v1/admin/customers/" + shopper.customerId() + "/sessions").bearer(tenant.sk()).send()
                .expect(200).body().path("data");
        assertThat(listed).hasSize(2).allSatisfy(session -> assertThat(Duration.between(server.clock.instant(),
                        Instant.parse(session.path("expires_at").asText())).toSeconds())
                .as("the session's end as listed").isBetween(598L, 600L));

        advance(601);
        for (var pair : java.util.List.of(second, renewed)) {
            assertRefused(api, tenant, pair.str("access_token"));
            refresh(api, tenant, pair.str("refresh_token")).expect(401, "invalid_token");
        }
        Fixtures.login(api, tenant, shopper.email(), shopper.password());
    }

    /** A lower limit set later ends sessions past it at their next refresh or renewal. */
    @Test
    void limitLoweredAfterLoginThenOlderSessionsCanNoLongerBeRefreshedOrRenewed() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        var other = Fixtures.login(api, tenant, shopper.email(), shopper.password());
        api.patch("/v1/admin/settings").bearer(tenant.sk()).body(Map.of("session_max_lifetime", 3600)).send()
                .expect(200);
        advance(3601);

        refresh(api, tenant, shopper.refreshToken()).expect(401, "invalid_token");
        renew(tenant, other.accessToken()).expect(401, "invalid_token");
        refresh(api, tenant, other.refreshToken()).expect(401, "invalid_token");
        // they are over, so no list shows them; a session begun since is listed with its end
        var fresh = Fixtures.login(api, tenant, shopper.email(), shopper.password());
        var listed = api.get("/v1/admin/customers/" + shopper.customerId() + "/sessions").bearer(tenant.sk()).send()
                .expect(200).body().path("data");
        assertThat(listed).extracting(session -> session.path("id").asText()).containsExactly(fresh.sessionId());
        assertThat(Duration.between(server.clock.instant(), Instant.parse(listed.get(0).path("expires_at").asText()))
                .toSeconds()).isBetween(3598L, 3600L);
        api.delete("/v1/admin/customers/" + shopper.customerId() + "/sessions/" + other.sessionId())
                .bearer(tenant.sk()).send().expect(404, "not_found");
    }

    /** A replay past its grace is theft whether or not the session has reached its end: the session ends. */
    @Test
    void replayAfterTheLimitWasLoweredStillEndsTheSession() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        var rotated = refresh(api, tenant, shopper.refreshToken()).expect(200);
        api.patch("/v1/admin/settings").bearer(tenant.sk()).body(Map.of("session_max_lifetime", 3600)).send()
                .expect(200);
        advance(3601);

        refresh(api, tenant, shopper.refreshToken()).expect(401, "refresh_token_reused");

        assertRefused(api, tenant, rotated.str("access_token"));
    }

    @Test
    void guestSessionsHaveNoEnd() {
        var tenant = Fixtures.tenant(api, Map.of("session_max_lifetime", 3600, "anonymous_refresh_ttl", 86_400));
        var guest = anonymous(api, tenant).expect(201);
        assertThat(guest.body().path("refresh_token_expires_in").asLong()).isEqualTo(86_400);

        advance(3000);
        var first = refreshAnonymous(api, tenant, guest.str("refresh_token")).expect(200);
        advance(3000);
        var second = refreshAnonymous(api, tenant, first.str("refresh_token")).expect(200);

        assertThat(second.body().path("refresh_token_expires_in").asLong()).isEqualTo(86_400);
    }

    @Test
    void settingOutsideItsRangeIsRefused() {
        var tenant = Fixtures.tenant(api);
        for (int seconds : new int[] {3599, 31_536_001}) {
            var res = api.patch("/v1/admin/settings").bearer(tenant.sk())
                    .body(Map.of("session_max_lifetime", seconds)).send().expect(422, "validation_failed");
            assertThat(res.body().path("errors").get(0).path("field").asText()).isEqualTo("session_max_lifetime");
        }
        assertThat(api.get("/v1/admin/settings").bearer(tenant.sk()).send().expect(200).body()
                .path("session_max_lifetime").asLong()).isEqualTo(7_776_000);
    }
}
