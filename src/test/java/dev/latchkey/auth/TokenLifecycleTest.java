package dev.latchkey.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Concurrently;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.RowLocks;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static dev.latchkey.testing.Problems.assertInvalid;
import static dev.latchkey.testing.Tokens.anonymous;
import static dev.latchkey.testing.Tokens.assertRefused;
import static dev.latchkey.testing.Tokens.introspect;
import static dev.latchkey.testing.Tokens.refresh;
import static org.assertj.core.api.Assertions.assertThat;

class TokenLifecycleTest extends ApiTest {
    private static final int MANY_SHOPPERS = 24;

    private final Fixtures.Tenant tenant = Fixtures.tenant(api);
    private final Fixtures.Shopper shopper = Fixtures.shopper(api, tenant);

    @Test
    void introspectWhenCustomerTokenThenDescribesIt() {
        JsonNode token = introspect(api, tenant, shopper.accessToken()).expect(200).body();

        assertThat(token.path("active").asBoolean()).isTrue();
        assertThat(token.path("kind").asText()).isEqualTo("customer");
        assertThat(token.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(token.path("expires_in").asLong()).isBetween(86000L, 86400L);
        assertThat(Instant.parse(token.path("expires_at").asText()))
                .isEqualTo(Instant.parse(shopper.authResult().path("expires_at").asText()));
        assertThat(token.path("session_id").asText()).isEqualTo(shopper.sessionId());
        assertThat(token.path("customer_id").asText()).isEqualTo(shopper.customerId());
        assertThat(token.path("email").asText()).isEqualTo(shopper.email());
        assertThat(token.path("scope").isArray()).isTrue();
    }

    @Test
    void introspectWhenNoBearerOrGarbageThenInvalidToken() {
        var res = api.get("/v1/auth/token").key(tenant.pk()).send().expect(401, "invalid_token");
        assertThat(res.header("WWW-Authenticate")).contains("Bearer");

        assertRefused(api, tenant, "garbage");
        assertRefused(api, tenant, "cust_" + "A".repeat(43));
        assertRefused(api, tenant, "rt_" + "A".repeat(43));
    }

    @Test
    void introspectWhenApiKeyMissingThenInvalidApiKey() {
        api.get("/v1/auth/token").bearer(shopper.accessToken()).send().expect(401, "invalid_api_key");
    }

    @Test
    void refreshWhenValidThenRotatesBothTokensInTheSameSession() {
        var res = refresh(api, tenant, shopper.refreshToken()).expect(200);

        assertThat(res.str("access_token")).startsWith("cust_").isNotEqualTo(shopper.accessToken());
        assertThat(res.str("refresh_token")).startsWith("rt_").isNotEqualTo(shopper.refreshToken());
        assertThat(res.str("session_id")).isEqualTo(shopper.sessionId());
        assertThat(res.body().path("customer").path("id").asText()).isEqualTo(shopper.customerId());
        assertThat(res.body().path("customer").path("email").asText()).isEqualTo(shopper.email());
        assertThat(res.body().path("expires_in").asLong()).isEqualTo(86400);
        assertThat(res.header("Cache-Control")).contains("no-store");
        introspect(api, tenant, res.str("access_token")).expect(200);
    }

    @Test
    void refreshWhenRotatedThenOldAccessTokenRefused() {
        refresh(api, tenant, shopper.refreshToken()).expect(200);

        assertRefused(api, tenant, shopper.accessToken());
        api.get("/v1/me").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(401, "invalid_token");
    }

    @Test
    void refreshWhenNewRefreshTokenUsedThenChainContinues() {
        var first = refresh(api, tenant, shopper.refreshToken()).expect(200);
        var second = refresh(api, tenant, first.str("refresh_token")).expect(200);

        assertThat(second.str("session_id")).isEqualTo(shopper.sessionId());
        assertRefused(api, tenant, first.str("access_token"));
        introspect(api, tenant, second.str("access_token")).expect(200);
    }

    /** On PostgreSQL these share batches ({@link RotationBatchTest}); on H2 each goes the general way. */
    @Test
    void refreshWhenManyShoppersRefreshAtOnceThenEveryChainRotatesAndGoesOn() {
        List<Fixtures.Shopper> shoppers = new ArrayList<>();
        for (int i = 0; i < MANY_SHOPPERS; i++) {
            shoppers.add(Fixtures.shopper(api, tenant));
        }
        List<String> refreshTokens = shoppers.stream().map(Fixtures.Shopper::refreshToken).toList();

        for (int round = 0; round < 3; round++) {
            List<Api.Res> answers = refreshAllAtOnce(refreshTokens);

            List<String> next = new ArrayList<>();
            for (int i = 0; i < MANY_SHOPPERS; i++) {
                Api.Res answer = answers.get(i).expect(200);
                assertThat(answer.str("session_id")).isEqualTo(shoppers.get(i).sessionId());
                assertThat(answer.body().path("customer").path("id").asText()).isEqualTo(shoppers.get(i).customerId());
                introspect(api, tenant, answer.str("access_token")).expect(200);
                next.add(answer.str("refresh_token"));
            }
            refreshTokens = next;
        }
        for (Fixtures.Shopper shopper : shoppers) {
            assertRefused(api, tenant, shopper.accessToken());
        }
    }

    private List<Api.Res> refreshAllAtOnce(List<String> refreshTokens) {
        List<Callable<Api.Res>> calls = refreshTokens.stream()
                .<Callable<Api.Res>>map(token -> () -> refresh(api, tenant, token)).toList();
        return Concurrently.all(calls);
    }

    @Test
    void refreshWhenTokenUnknownOrMissingThenRefused() {
        assertThat(refresh(api, tenant, "rt_" + "A".repeat(43)).expect(401, "invalid_token").str("detail"))
                .startsWith("The refresh token is");
        assertThat(refresh(api, tenant, shopper.accessToken()).expect(401, "invalid_token").str("detail"))
                .startsWith("The refresh token is");
        assertInvalid(api.post("/v1/auth/refresh").key(tenant.pk()).body(Map.of()).send(), "refresh_token", "required");
        assertInvalid(api.post("/v1/auth/refresh").key(tenant.pk()).body(Map.of("refresh_token", 7)).send(),
                "refresh_token", "invalid_type");
    }

    @Test
    void refreshWhenRefreshTokenExpiredThenInvalidToken() {
        var shortLived = Fixtures.tenant(api, Map.of("refresh_token_ttl", 60, "access_token_ttl", 60));
        var s = Fixtures.shopper(api, shortLived);

        server.clock.advance(Duration.ofSeconds(61));

        refresh(api, shortLived, s.refreshToken()).expect(401, "invalid_token");
    }

    @Test
    void renewWhenCustomerTokenThenNewAccessTokenWithLaterExpiryAndOldOneRevoked() {
        Instant before = Instant.parse(shopper.authResult().path("expires_at").asText());
        server.clock.advance(Duration.ofSeconds(5));

        var res = api.post("/v1/auth/renew").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(200);

        assertThat(res.str("access_token")).startsWith("cust_").isNotEqualTo(shopper.accessToken());
        assertThat(Instant.parse(res.str("expires_at"))).isAfter(before);
        assertThat(res.str("session_id")).isEqualTo(shopper.sessionId());
        assertThat(res.body().path("customer").path("id").asText()).isEqualTo(shopper.customerId());
        assertRefused(api, tenant, shopper.accessToken());
        introspect(api, tenant, res.str("access_token")).expect(200);
        refresh(api, tenant, shopper.refreshToken()).expect(401, "invalid_token"); // rotated, not "reused"
        refresh(api, tenant, res.str("refresh_token")).expect(200);
    }

    @Test
    void renewWhenSameTokenRenewedAtOnceThenOnlyOneSucceeds() {
        List<Api.Res> answers = Concurrently.all(Collections.nCopies(6,
                () -> api.post("/v1/auth/renew").key(tenant.pk()).bearer(shopper.accessToken()).send()));

        assertThat(answers).filteredOn(res -> res.status() == 200).hasSize(1);
        assertThat(answers).filteredOn(res -> res.status() != 200)
                .allSatisfy(res -> res.expect(401, "invalid_token"));
        Api.Res winner = answers.stream().filter(res -> res.status() == 200).findFirst().orElseThrow();
        introspect(api, tenant, winner.str("access_token")).expect(200);
        refresh(api, tenant, winner.str("refresh_token")).expect(200);
        refresh(api, tenant, shopper.refreshToken()).expect(401, "invalid_token");
    }

    @Test
    void renewWhenItsRefreshTokenRotatesAtTheSameTimeThenOneOfThemWins() {
        for (int round = 0; round < 5; round++) {
            var s = Fixtures.login(api, tenant, shopper.email(), shopper.password());

            List<Api.Res> answers = Concurrently.all(List.of(
                    () -> api.post("/v1/auth/renew").key(tenant.pk()).bearer(s.accessToken()).send(),
                    () -> refresh(api, tenant, s.refreshToken())));

            assertThat(answers).extracting(Api.Res::status).containsExactlyInAnyOrder(200, 401);
            assertThat(answers).filteredOn(res -> res.status() == 401).extracting(Api.Res::code)
                    .containsOnly("invalid_token");
        }
    }

    @Test
    void renewWhenSessionHasASecondPairThenThatPairLives() {
        var first = refresh(api, tenant, shopper.refreshToken()).expect(200);
        var second = refresh(api, tenant, shopper.refreshToken()).expect(200); // within the reuse grace

        api.post("/v1/auth/renew").key(tenant.pk()).bearer(first.str("access_token")).send().expect(200);

        assertRefused(api, tenant, first.str("access_token"));
        refresh(api, tenant, first.str("refresh_token")).expect(401, "invalid_token");
        introspect(api, tenant, second.str("access_token")).expect(200);
        refresh(api, tenant, second.str("refresh_token")).expect(200);
    }

    /**
     * A credential that works elsewhere is the wrong kind here (403), one that works nowhere is unknown (401): a client
     * must not take a setup mistake for an expired session.
     */
    @Test
    void storefrontAndPlatformRoutesWhenACredentialOfAnotherKindThenInsufficientScope() {
        var shop = dev.latchkey.testing.StaffFixtures.shop(api);
        var shopper = Fixtures.shopper(api, shop.tenant());
        String staff = dev.latchkey.testing.StaffFixtures.ownerToken(api, shop);

        for (String otherKind : List.of(shop.tenant().sk(), shop.tenant().pk(), staff)) {
            api.get("/v1/me").key(shop.tenant().pk()).bearer(otherKind).send().expect(403, "insufficient_scope");
            api.get("/v1/auth/token").key(shop.tenant().pk()).bearer(otherKind).send()
                    .expect(403, "insufficient_scope");
            api.get("/v1/platform/tenants").bearer(otherKind).send().expect(403, "insufficient_scope");
        }
        api.get("/v1/platform/tenants").bearer(shopper.accessToken()).send().expect(403, "insufficient_scope");
        for (String unknown : List.of("sk_" + "x".repeat(43), "stf_" + "x".repeat(43), "whatever")) {
            api.get("/v1/me").key(shop.tenant().pk()).bearer(unknown).send().expect(401, "invalid_token");
            api.get("/v1/platform/tenants").bearer(unknown).send().expect(401, "invalid_token");
        }
        api.get("/v1/platform/tenants").bearer("cust_" + "x".repeat(43)).send().expect(401, "invalid_token");
    }

    /** The platform token and a live refresh token work somewhere too; in X-Api-Key, so does a shopper's token. */
    @Test
    void storefrontRoutesWhenPlatformOrRefreshTokenOrATokenAsTheKeyThenInsufficientScope() {
        String platform = TestServer.PLATFORM_TOKEN;
        for (String otherKind : List.of(platform, shopper.refreshToken())) {
            api.get("/v1/me").key(tenant.pk()).bearer(otherKind).send().expect(403, "insufficient_scope");
            introspect(api, tenant, otherKind).expect(403, "insufficient_scope");
        }
        for (String notAKey : List.of(platform, shopper.accessToken(), shopper.refreshToken())) {
            api.get("/v1/me").key(notAKey).bearer(shopper.accessToken()).send().expect(403, "insufficient_scope");
            api.post("/v1/anonymous").key(notAKey).send().expect(403, "insufficient_scope");
        }
        for (String unknown : List.of("pk_" + "x".repeat(43), "cust_" + "x".repeat(43), platform + "x")) {
            assertThat(api.post("/v1/anonymous").key(unknown).send().expect(401, "invalid_api_key")
                    .header("WWW-Authenticate")).isEqualTo("ApiKey header=\"X-Api-Key\"");
        }
        api.get("/v1/me").key(tenant.pk()).bearer("rt_" + "x".repeat(43)).send().expect(401, "invalid_token");
        introspect(api, tenant, shopper.accessToken()).expect(200);
    }

    @Test
    void renewWhenAnonymousTokenThenInsufficientScope() {
        String anon = anonymous(api, tenant).str("access_token");
        api.post("/v1/auth/renew").key(tenant.pk()).bearer(anon).send().expect(403, "insufficient_scope");
    }

    @Test
    void renewWhenTokenRevokedThenInvalidToken() {
        api.post("/v1/auth/logout").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(204);
        api.post("/v1/auth/renew").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(401, "invalid_token");
    }

    @Test
    void logoutWhenSentFourTimesAtOnceThenOneEndsTheSessionAndOneEventIsRecorded() {
        for (int round = 0; round < 3; round++) {
            var shopper = Fixtures.login(api, tenant, this.shopper.email(), this.shopper.password());

            List<Integer> statuses = Concurrently.statuses(4, () -> api.post("/v1/auth/logout").key(tenant.pk())
                    .bearer(shopper.accessToken()).send());

            assertThat(statuses).as("round " + round).containsOnly(204, 401).containsOnlyOnce(204);
            var events = api.get("/v1/admin/audit?type=session.revoked&customer_id=" + shopper.customerId())
                    .bearer(tenant.sk()).send().expect(200).body().path("data");
            int forThisSession = 0;
            for (var event : events) {
                if (event.path("data").path("session_id").asText().equals(shopper.sessionId())) {
                    forThisSession++;
                }
            }
            assertThat(forThisSession).as("round " + round).isOne();
        }
    }

    @Test
    void logoutWhenCalledThenAccessAndRefreshTokensRevoked() {
        var res = api.post("/v1/auth/logout").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(204);

        assertThat(res.raw()).isEmpty();
        assertRefused(api, tenant, shopper.accessToken());
        api.get("/v1/me").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(401, "invalid_token");
        refresh(api, tenant, shopper.refreshToken()).expect(401, "invalid_token");
    }

    @Test
    void logoutWhenOtherSessionOfSameCustomerThenItStaysAlive() {
        var second = Fixtures.login(api, tenant, shopper.email(), shopper.password());

        api.post("/v1/auth/logout").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(204);

        introspect(api, tenant, second.accessToken()).expect(200);
        assertRefused(api, tenant, shopper.accessToken());
    }

    @Test
    void logoutWhenCalledTwiceThenSecondIsInvalidToken() {
        api.post("/v1/auth/logout").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(204);
        api.post("/v1/auth/logout").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(401, "invalid_token");
    }

    @Test
    void accessTokenWhenExpiredThenInvalidTokenWithChallenge() {
        var shortLived = Fixtures.tenant(api, Map.of("access_token_ttl", 60));
        var s = Fixtures.shopper(api, shortLived);
        assertThat(s.authResult().path("expires_in").asLong()).isEqualTo(60);
        introspect(api, shortLived, s.accessToken()).expect(200);

        server.clock.advance(Duration.ofSeconds(61));

        assertRefused(api, shortLived, s.accessToken());
        var me = api.get("/v1/me").key(shortLived.pk()).bearer(s.accessToken()).send().expect(401, "invalid_token");
        assertThat(me.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
        refresh(api, shortLived, s.refreshToken()).expect(200);
    }

    @Test
    void tokenWhenUsedUnderAnotherTenantsKeyThenInvalidToken() {
        var other = Fixtures.tenant(api);

        assertRefused(api, other, shopper.accessToken());
        api.get("/v1/me").key(other.pk()).bearer(shopper.accessToken()).send().expect(401, "invalid_token");
        api.get("/v1/me").key(other.sk()).bearer(shopper.accessToken()).send().expect(401, "invalid_token");
        api.post("/v1/auth/logout").key(other.pk()).bearer(shopper.accessToken()).send().expect(401, "invalid_token");
        introspect(api, tenant, shopper.accessToken()).expect(200);
    }

    /**
     * A logout that commits while the rotation waits for the session's row: the rotation has marked its token used
     * already (on PostgreSQL in the same statement), so it must answer 401 rather than hand out a pair that cannot
     * work.
     */
    @Test
    void refreshWhenTheSessionEndsWhileTheRotationWaitsForItThenInvalidTokenAndNothingOfTheSessionWorks()
            throws Exception {
        Api.Res answer = RowLocks.commitWhileWaiting(server,
                "UPDATE sessions SET revoked_at = CURRENT_TIMESTAMP WHERE tenant_id = ? AND id = ?",
                () -> refresh(api, tenant, shopper.refreshToken()), tenant.id(), shopper.sessionId());

        answer.expect(401, "invalid_token");
        assertRefused(api, tenant, shopper.accessToken());
        refresh(api, tenant, shopper.refreshToken()).expect(401, "invalid_token");
    }

    @Test
    void refreshWhenTokenOfAnotherTenantThenInvalidTokenAndTokenStaysUsable() {
        var other = Fixtures.tenant(api);

        refresh(api, other, shopper.refreshToken()).expect(401, "invalid_token");

        var res = refresh(api, tenant, shopper.refreshToken()).expect(200);
        assertThat(res.str("session_id")).isEqualTo(shopper.sessionId());
    }

    @Test
    void tokenWhenSecretKeyGivenInsteadOfPublishableThenStillAccepted() {
        introspect(api, tenant, shopper.accessToken()).expect(200);
        api.get("/v1/auth/token").key(tenant.sk()).bearer(shopper.accessToken()).send().expect(200);
    }
}
