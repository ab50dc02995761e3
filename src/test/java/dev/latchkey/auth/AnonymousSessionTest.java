package dev.latchkey.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static dev.latchkey.testing.Tokens.anonymous;
import static dev.latchkey.testing.Tokens.assertRefused;
import static dev.latchkey.testing.Tokens.introspect;
import static dev.latchkey.testing.Tokens.refresh;
import static dev.latchkey.testing.Tokens.refreshAnonymous;
import static org.assertj.core.api.Assertions.assertThat;

class AnonymousSessionTest extends ApiTest {
    private final Fixtures.Tenant tenant = Fixtures.tenant(api);

    @Test
    void anonymousWhenStartedThenGuestTokens() {
        var res = anonymous(api, tenant);

        assertThat(res.str("access_token")).startsWith("anon_");
        assertThat(res.str("access_token").substring(5)).hasSizeGreaterThanOrEqualTo(43);
        assertThat(res.str("refresh_token")).startsWith("rt_");
        assertThat(res.str("session_id")).startsWith("ses_");
        assertThat(res.str("token_type")).isEqualTo("Bearer");
        assertThat(res.body().path("expires_in").asLong()).isEqualTo(3600);
        assertThat(res.body().path("refresh_token_expires_in").asLong()).isEqualTo(86400);
        assertThat(res.body().has("customer")).isFalse();
        assertThat(res.header("Cache-Control")).contains("no-store");
    }

    @Test
    void anonymousWhenApiKeyMissingThenInvalidApiKey() {
        api.post("/v1/anonymous").send().expect(401, "invalid_api_key");
    }

    @Test
    void introspectWhenAnonymousTokenThenKindAnonymousWithoutCustomer() {
        var anon = anonymous(api, tenant);

        JsonNode token = introspect(api, tenant, anon.str("access_token")).expect(200).body();

        assertThat(token.path("active").asBoolean()).isTrue();
        assertThat(token.path("kind").asText()).isEqualTo("anonymous");
        assertThat(token.path("session_id").asText()).isEqualTo(anon.str("session_id"));
        assertThat(token.path("customer_id").isNull() || token.path("customer_id").isMissingNode()).isTrue();
        assertThat(token.path("email").isNull() || token.path("email").isMissingNode()).isTrue();
        assertThat(token.path("expires_in").asLong()).isBetween(3500L, 3600L);
    }

    @Test
    void anonymousRefreshWhenValidThenSameSessionNewTokens() {
        var anon = anonymous(api, tenant);

        var res = refreshAnonymous(api, tenant, anon.str("refresh_token")).expect(200);

        assertThat(res.str("session_id")).isEqualTo(anon.str("session_id"));
        assertThat(res.str("access_token")).startsWith("anon_").isNotEqualTo(anon.str("access_token"));
        assertThat(res.str("refresh_token")).startsWith("rt_").isNotEqualTo(anon.str("refresh_token"));
        assertThat(res.body().path("expires_in").asLong()).isEqualTo(3600);
        assertRefused(api, tenant, anon.str("access_token"));
        introspect(api, tenant, res.str("access_token")).expect(200);
    }

    @Test
    void anonymousTokenWhenUsedOnMeThenInsufficientScope() {
        var anon = anonymous(api, tenant);

        api.get("/v1/me").key(tenant.pk()).bearer(anon.str("access_token")).send().expect(403, "insufficient_scope");
        api.patch("/v1/me").key(tenant.pk()).bearer(anon.str("access_token")).body(Map.of("first_name", "X")).send()
                .expect(403, "insufficient_scope");
    }

    @Test
    void refreshWhenKindsCrossedThenInsufficientScope() {
        var anon = anonymous(api, tenant);
        var shopper = Fixtures.shopper(api, tenant);

        refresh(api, tenant, anon.str("refresh_token")).expect(403, "insufficient_scope");
        refreshAnonymous(api, tenant, shopper.refreshToken()).expect(403, "insufficient_scope");
        // a refusal for the wrong kind does not use the token up
        refreshAnonymous(api, tenant, anon.str("refresh_token")).expect(200);
    }

    @Test
    void anonymousTokenWhenExpiredThenInvalidToken() {
        var shortLived = Fixtures.tenant(api, Map.of("anonymous_token_ttl", 60));
        var anon = anonymous(api, shortLived);
        assertThat(anon.body().path("expires_in").asLong()).isEqualTo(60);

        server.clock.advance(Duration.ofSeconds(61));

        assertRefused(api, shortLived, anon.str("access_token"));
        refreshAnonymous(api, shortLived, anon.str("refresh_token")).expect(200);
    }

    @Test
    void anonymousWhenLoggedOutThenTokensRevoked() {
        var anon = anonymous(api, tenant);

        api.post("/v1/auth/logout").key(tenant.pk()).bearer(anon.str("access_token")).send().expect(204);

        assertRefused(api, tenant, anon.str("access_token"));
        refreshAnonymous(api, tenant, anon.str("refresh_token")).expect(401, "invalid_token");
    }

    @Test
    void anonymousTokenWhenUsedUnderAnotherTenantThenInvalidToken() {
        var anon = anonymous(api, tenant);
        var other = Fixtures.tenant(api);

        assertRefused(api, other, anon.str("access_token"));
        refreshAnonymous(api, other, anon.str("refresh_token")).expect(401, "invalid_token");
    }
}
