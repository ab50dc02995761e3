package dev.latchkey.auth;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.latchkey.testing.Tokens.assertRefused;
import static dev.latchkey.testing.Tokens.introspect;
import static dev.latchkey.testing.Tokens.refresh;
import static org.assertj.core.api.Assertions.assertThat;

/** Refresh-token rotation with reuse detection (theft) and the grace window for tabs refreshing at once. */
class RefreshReuseTest extends ApiTest {
    private static final int RACERS = 8;

    @Test
    void refreshWhenTokenReusedWithoutGraceThenRevokesSession() {
        var tenant = Fixtures.tenant(api, Map.of("refresh_reuse_grace", 0));
        var shopper = Fixtures.shopper(api, tenant);
        var rotated = refresh(api, tenant, shopper.refreshToken()).expect(200);

        var reuse = refresh(api, tenant, shopper.refreshToken()).expect(401, "refresh_token_reused");

        assertThat(reuse.header("WWW-Authenticate")).contains("Bearer");
        assertRefused(api, tenant, rotated.str("access_token"));
        refresh(api, tenant, rotated.str("refresh_token")).expect(401, "invalid_token");
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
        introspect(api, tenant, second.str("access_token")).expect(200);
        // a session has one live access token: the newest
        introspect(api, tenant, first.str("access_token")).expect(401, "invalid_token");
        refresh(api, tenant, second.str("refresh_token")).expect(200);
    }

    @Test
    void refreshWhenTabsRaceWithOneTokenThenEachGetsAPairOfTheSameLiveSession() throws Exception {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);

        List<Api.Res> answers = race(RACERS, () -> refresh(api, tenant, shopper.refreshToken()));

        assertThat(answers).extracting(Api.Res::status).containsOnly(200);
        assertThat(answers).extracting(res -> res.str("session_id")).containsOnly(shopper.sessionId());
        assertThat(answers).extracting(res -> res.str("refresh_token")).doesNotHaveDuplicates();
        // one access token is live, the newest; every refresh token still rotates, since the session lives
        long live = answers.stream().filter(res -> introspect(api, tenant, res.str("access_token")).status() == 200)
                .count();
        assertThat(live).isEqualTo(1);
        refresh(api, tenant, answers.get(0).str("refresh_token")).expect(200);
    }

    @Test
    void refreshWhenTabsRaceWithOneTokenWithoutGraceThenOneWinsAndTheSessionEnds() throws Exception {
        var tenant = Fixtures.tenant(api, Map.of("refresh_reuse_grace", 0));
        var shopper = Fixtures.shopper(api, tenant);

        List<Api.Res> answers = race(RACERS, () -> refresh(api, tenant, shopper.refreshToken()));

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

    /** Sends the same request from {@code count} threads released at once. */
    private static List<Api.Res> race(int count, Callable<Api.Res> request) throws Exception {
        var start = new CountDownLatch(1);
        try (var pool = Executors.newFixedThreadPool(count)) {
            List<Future<Api.Res>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                sent.add(pool.submit(() -> {
                    start.await();
                    return request.call();
                }));
            }
            start.countDown();
            List<Api.Res> answers = new ArrayList<>();
            for (var answer : sent) {
                answers.add(answer.get());
            }
            return answers;
        }
    }

    @Test
    void refreshWhenTokenReusedAfterGraceThenRevokesSession() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        var rotated = refresh(api, tenant, shopper.refreshToken()).expect(200);

        server.clock.advance(Duration.ofSeconds(11));

        refresh(api, tenant, shopper.refreshToken()).expect(401, "refresh_token_reused");
        assertRefused(api, tenant, rotated.str("access_token"));
        refresh(api, tenant, rotated.str("refresh_token")).expect(401, "invalid_token");
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
}
