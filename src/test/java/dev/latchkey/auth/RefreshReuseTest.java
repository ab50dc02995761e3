package dev.latchkey.auth;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Concurrently;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static dev.latchkey.testing.Tokens.assertRefused;
import static dev.latchkey.testing.Tokens.introspect;
import static dev.latchkey.testing.Tokens.refresh;
import static dev.latchkey.testing.Tokens.refreshAnonymous;
import static org.assertj.core.api.Assertions.assertThat;

/** Refresh-token rotation with reuse detection (theft) and the grace window for tabs refreshing at once. */
class RefreshReuseTest extends ApiTest {
    private static final int RACERS = 8;

    /** The session of this pair has ended: neither its access token nor its refresh token works. */
    private void assertSessionEnded(Fixtures.Tenant tenant, Api.Res pair) {
        assertRefused(api, tenant, pair.str("access_token"));
        refresh(api, tenant, pair.str("refresh_token")).expect(401, "invalid_token");
    }

    @Test
    void refreshWhenTokenReusedWithoutGraceThenRevokesSession() {
        var tenant = Fixtures.tenant(api, Map.of("refresh_reuse_grace", 0));
        var shopper = Fixtures.shopper(api, tenant);
        var rotated = refresh(api, tenant, shopper.refreshToken()).expect(200);

        var reuse = refresh(api, tenant, shopper.refreshToken()).expect(401, "refresh_token_reused");

        assertThat(reuse.header("WWW-Authenticate")).contains("Bearer");
        assertSessionEnded(tenant, rotated);
    }

    /** A replayed token sent to the other kind's endpoint is still a replay: the session ends. */
    @Test
    void refreshWhenUsedTokenReplayedAtTheAnonymousEndpointThenRevokesSession() {
        var tenant = Fixtures.tenant(api, Map.of("refresh_reuse_grace", 0));
        var shopper = Fixtures.shopper(api, tenant);
        var rotated = refresh(api, tenant, shopper.refreshToken()).expect(200);

        refreshAnonymous(api, tenant, shopper.refreshToken()).expect(401, "refresh_token_reused");

        assertSessionEnded(tenant, rotated);
    }

    /** Within the grace a used token is a race between tabs, not a replay: the wrong endpoint only refuses it. */
    @Test
    void refreshWhenUsedTokenWithinGraceSentToTheAnonymousEndpointThenInsufficientScopeAndTheSessionLives() {
        var tenant = Fixtures.tenant(api, Map.of("refresh_reuse_grace", 10));
        var shopper = Fixtures.shopper(api, tenant);
        var rotated = refresh(api, tenant, shopper.refreshToken()).expect(200);

        refreshAnonymous(api, tenant, shopper.refreshToken()).expect(403, "insufficient_scope");

        refresh(api, tenant, rotated.str("refresh_token")).expect(200);
    }

    @Test
    void refreshWhenTokenReusedThenOtherSessionsOfTheCustomerSurvive() {
        var tenant = Fixtures.tenant(api, Map.of("refresh_reuse_grace", 0));
        var shopper = Fixtures.shopper(api, tenant);
        var otherDevice = Fixtures.login(api, tenant, shopper.email(), shopper.password());
        refresh(api, tenant, shopper.refreshToken()).expect(200);

        refresh(api, tenant, shopper.refreshToken()).expect(401, "refresh_token_reused");

        introspect(api, tenant, otherDevice.accessToken()).expect(200);
    }

    @Test
    void refreshWhenTokenReusedWithinGraceThenYieldsAnotherPairForTheSameSession() {
        var tenant = Fixtures.tenant(api); // refresh_reuse_grace 10 by default
        var shopper = Fixtures.shopper(api, tenant);
        var first = refresh(api, tenant, shopper.refreshToken()).expect(200);

        var second = refresh(api, tenant, shopper.refreshToken()).expect(200);

        assertThat(second.str("session_id")).isEqualTo(shopper.sessionId());
        assertThat(second.str("access_token")).isNotEqualTo(first.str("access_token"))
                .isNotEqualTo(shopper.accessToken());
        assertThat(second.str("refresh_token")).isNotEqualTo(first.str("refresh_token"));
        // both pairs are valid: the tab that rotated first keeps working beside the one that came second
        introspect(api, tenant, second.str("access_token")).expect(200);
        introspect(api, tenant, first.str("access_token")).expect(200);
        assertRefused(api, tenant, shopper.accessToken());
        var secondRotated = refresh(api, tenant, second.str("refresh_token")).expect(200);
        // rotating one pair retires that pair's access token only
        assertRefused(api, tenant, second.str("access_token"));
        introspect(api, tenant, first.str("access_token")).expect(200);
        introspect(api, tenant, secondRotated.str("access_token")).expect(200);
        refresh(api, tenant, first.str("refresh_token")).expect(200);
    }

    @Test
    void refreshWhenTabsRaceWithOneTokenThenEachGetsAPairOfTheSameLiveSession() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);

        List<Api.Res> answers = Concurrently.all(Collections.nCopies(RACERS, () -> refresh(api, tenant, shopper.refreshToken())));

        assertThat(answers).extracting(Api.Res::status).containsOnly(200);
        assertThat(answers).extracting(res -> res.str("session_id")).containsOnly(shopper.sessionId());
        assertThat(answers).extracting(res -> res.str("refresh_token")).doesNotHaveDuplicates();
        // every tab's pair works: its access token now, its refresh token later
        for (Api.Res answer : answers) {
            introspect(api, tenant, answer.str("access_token")).expect(200);
        }
        for (Api.Res answer : answers) {
            refresh(api, tenant, answer.str("refresh_token")).expect(200);
        }
    }

    @Test
    void refreshWhenTabsRaceWithOneTokenWithoutGraceThenOneWinsAndTheSessionEnds() {
        var tenant = Fixtures.tenant(api, Map.of("refresh_reuse_grace", 0));
        var shopper = Fixtures.shopper(api, tenant);

        List<Api.Res> answers = Concurrently.all(Collections.nCopies(RACERS, () -> refresh(api, tenant, shopper.refreshToken())));

        assertThat(answers).filteredOn(res -> res.status() == 200).hasSize(1);
        // the first to find the token used ends the session; those after it find it ended
        List<Api.Res> refused = answers.stream().filter(res -> res.status() != 200).toList();
        assertThat(refused).hasSize(RACERS - 1).extracting(Api.Res::status).containsOnly(401);
        assertThat(refused).extracting(Api.Res::code).contains("refresh_token_reused")
                .isSubsetOf("refresh_token_reused", "invalid_token");
        Api.Res winner = answers.stream().filter(res -> res.status() == 200).findFirst().orElseThrow();
        assertRefused(api, tenant, winner.str("access_token"));
        refresh(api, tenant, winner.str("refresh_token")).expect(401, "invalid_token");
    }

    @Test
    void refreshWhenTokenReusedAfterGraceThenRevokesSession() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        var rotated = refresh(api, tenant, shopper.refreshToken()).expect(200);

        server.clock.advance(Duration.ofSeconds(11));

        refresh(api, tenant, shopper.refreshToken()).expect(401, "refresh_token_reused");
        assertSessionEnded(tenant, rotated);
    }

    @Test
    void refreshWhenSessionEndedByReuseThenLoginStillWorks() {
        var tenant = Fixtures.tenant(api, Map.of("refresh_reuse_grace", 0));
        var shopper = Fixtures.shopper(api, tenant);
        refresh(api, tenant, shopper.refreshToken()).expect(200);
        refresh(api, tenant, shopper.refreshToken()).expect(401, "refresh_token_reused");

        var again = Fixtures.login(api, tenant, shopper.email(), shopper.password());

        assertThat(again.sessionId()).isNotEqualTo(shopper.sessionId());
        introspect(api, tenant, again.accessToken()).expect(200);
    }

    /** A tab logs out with the access token another tab's refresh has just retired: the logout still ends the session. */
    @Test
    void logoutWhenAccessTokenRetiredByARefreshWithinGraceThenEndsTheSession() {
        var tenant = Fixtures.tenant(api); // refresh_reuse_grace 10 by default
        var shopper = Fixtures.shopper(api, tenant);
        var rotated = refresh(api, tenant, shopper.refreshToken()).expect(200);
        server.clock.advance(Duration.ofSeconds(9));

        logout(tenant, shopper.accessToken()).expect(204);

        assertSessionEnded(tenant, rotated);
        logout(tenant, shopper.accessToken()).expect(401, "invalid_token");
        var events = api.get("/v1/admin/audit?type=session.revoked&customer_id=" + shopper.customerId())
                .bearer(tenant.sk()).send().expect(200).body().path("data");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).path("data").path("reason").asText()).isEqualTo("logout");
    }

    /** Whichever comes first, a logout sent while another tab refreshes ends the session, the new pair with it. */
    @Test
    void logoutWhenRacingARefreshThenTheSessionEndsEitherWay() {
        var tenant = Fixtures.tenant(api);
        for (int round = 0; round < 5; round++) {
            var shopper = Fixtures.shopper(api, tenant);

            List<Api.Res> answers = Concurrently.all(List.of(() -> logout(tenant, shopper.accessToken()),
                    () -> refresh(api, tenant, shopper.refreshToken())));

            assertThat(answers.get(0).status()).as("round " + round + ": logout").isEqualTo(204);
            Api.Res refreshed = answers.get(1);
            if (refreshed.status() == 200) {
                assertSessionEnded(tenant, refreshed);
            } else {
                assertThat(refreshed.status()).as("round " + round + ": refresh").isEqualTo(401);
            }
        }
    }

    /** Past the grace, or with none, a retired access token is only a dead one: it ends nothing. */
    @Test
    void logoutWhenAccessTokenRetiredByARefreshBeyondGraceThenInvalidTokenAndTheSessionLives() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        var rotated = refresh(api, tenant, shopper.refreshToken()).expect(200);
        server.clock.advance(Duration.ofSeconds(11));

        logout(tenant, shopper.accessToken()).expect(401, "invalid_token");

        introspect(api, tenant, rotated.str("access_token")).expect(200);
        var noGrace = Fixtures.tenant(api, Map.of("refresh_reuse_grace", 0));
        var other = Fixtures.shopper(api, noGrace);
        var otherRotated = refresh(api, noGrace, other.refreshToken()).expect(200);
        logout(noGrace, other.accessToken()).expect(401, "invalid_token");
        introspect(api, noGrace, otherRotated.str("access_token")).expect(200);
    }

    /** Only a refresh retires a token for this purpose: one replaced by a renewal, or of another tenant, ends nothing. */
    @Test
    void logoutWhenAccessTokenRenewedOrOfAnotherTenantThenInvalidTokenAndTheSessionLives() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        var renewed = api.post("/v1/auth/renew").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(200);

        logout(tenant, shopper.accessToken()).expect(401, "invalid_token");
        introspect(api, tenant, renewed.str("access_token")).expect(200);

        var rotated = refresh(api, tenant, renewed.str("refresh_token")).expect(200);
        var otherTenant = Fixtures.tenant(api);
        logout(otherTenant, renewed.str("access_token")).expect(401, "invalid_token");
        introspect(api, tenant, rotated.str("access_token")).expect(200);
    }

    private Api.Res logout(Fixtures.Tenant tenant, String accessToken) {
        return api.post("/v1/auth/logout").key(tenant.pk()).bearer(accessToken).send();
    }
}
