package dev.latchkey.auth;

import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static dev.latchkey.testing.Tokens.assertRefused;
import static dev.latchkey.testing.Tokens.introspect;
import static dev.latchkey.testing.Tokens.refresh;
import static org.assertj.core.api.Assertions.assertThat;

/** Refresh-token rotation with reuse detection (theft) and the grace window for tabs refreshing at once. */
class RefreshReuseTest extends ApiTest {

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
