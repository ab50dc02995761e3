package dev.latchkey.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.cluster.Invalidation;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Problems;
import dev.latchkey.testing.Publications;
import dev.latchkey.testing.Tokens;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The merchant lists a customer's sessions and ends one or all of them. */
class AdminSessionsTest extends ApiTest {
    private Api.Res list(Fixtures.Tenant tenant, String customerId, String params) {
        return api.get("/v1/admin/customers/" + customerId + "/sessions" + params).bearer(tenant.sk()).send();
    }

    private Api.Res revoke(Fixtures.Tenant tenant, String customerId, String sessionId) {
        return api.delete("/v1/admin/customers/" + customerId + "/sessions/" + sessionId).bearer(tenant.sk()).send();
    }

    private Api.Res revokeAll(Fixtures.Tenant tenant, String customerId) {
        return api.delete("/v1/admin/customers/" + customerId + "/sessions").bearer(tenant.sk()).send();
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("data").forEach(s -> ids.add(s.path("id").asText()));
        return ids;
    }

    private JsonNode events(Fixtures.Tenant tenant, String customerId) {
        return api.get("/v1/admin/audit?type=session.revoked&customer_id=" + customerId).bearer(tenant.sk())
                .send().expect(200).body().path("data");
    }

    @Test
    void listWhenSessionsThenLiveOnesNewestFirstNoneCurrentAndPaged() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        var second = Fixtures.login(api, tenant, shopper.email(), shopper.password());
        var third = Fixtures.login(api, tenant, shopper.email(), shopper.password());
        api.post("/v1/auth/logout").as(third).send().expect(204);

        JsonNode page = list(tenant, shopper.customerId(), "").expect(200).body();

        assertThat(ids(page)).containsExactlyInAnyOrder(shopper.sessionId(), second.sessionId());
        page.path("data").forEach(s -> {
            assertThat(s.path("current").asBoolean()).isFalse();
            assertThat(s.path("kind").asText()).isEqualTo("customer");
        });
        JsonNode first = list(tenant, shopper.customerId(), "?limit=1").expect(200).body();
        JsonNode rest = list(tenant, shopper.customerId(), "?limit=1&cursor=" + first.path("next_cursor").asText())
                .expect(200).body();
        assertThat(ids(first)).hasSize(1);
        assertThat(ids(rest)).hasSize(1).doesNotContainAnyElementsOf(ids(first));
        assertThat(rest.path("next_cursor").isNull()).isTrue();
        Problems.assertInvalid(list(tenant, shopper.customerId(), "?limit=0"), "limit", "out_of_range");
        Problems.assertInvalid(list(tenant, shopper.customerId(), "?limit=101"), "limit", "out_of_range");
        // digits of other scripts and a plus sign would be other spellings of the same number
        Problems.assertInvalid(list(tenant, shopper.customerId(), "?limit=%EF%BC%91"), "limit", "out_of_range");
        Problems.assertInvalid(list(tenant, shopper.customerId(), "?limit=%2B1"), "limit", "out_of_range");
        Problems.assertInvalid(list(tenant, shopper.customerId(), "?cursor=%21%21"), "cursor", "invalid");
    }

    @Test
    void revokeWhenOneSessionThenItsTokensFailOnTheNextRequestAndOthersLive() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        var phone = Fixtures.login(api, tenant, shopper.email(), shopper.password());
        Tokens.introspect(api, tenant, phone.accessToken()).expect(200);

        revoke(tenant, shopper.customerId(), phone.sessionId()).expect(204);

        Tokens.assertRefused(api, tenant, phone.accessToken());
        Tokens.refresh(api, tenant, phone.refreshToken()).expect(401, "invalid_token");
        Tokens.introspect(api, tenant, shopper.accessToken()).expect(200);
        assertThat(ids(list(tenant, shopper.customerId(), "").expect(200).body())).containsExactly(shopper.sessionId());
        revoke(tenant, shopper.customerId(), phone.sessionId()).expect(404, "not_found");
        JsonNode event = events(tenant, shopper.customerId()).get(0).path("data");
        assertThat(event.path("reason").asText()).isEqualTo("admin");
        assertThat(event.path("session_id").asText()).isEqualTo(phone.sessionId());
    }

    @Test
    void listWhenRefreshTokenExpiredButAccessTokenLivesThenTheSessionIsListedAndCanBeEnded() {
        // a refresh token shorter-lived than the access token: the session lasts as long as either of them works
        var tenant = Fixtures.tenant(api, Map.of("refresh_token_ttl", 60, "access_token_ttl", 3600));
        var shopper = Fixtures.shopper(api, tenant);

        server.clock.advance(Duration.ofSeconds(61));

        Tokens.introspect(api, tenant, shopper.accessToken()).expect(200);
        JsonNode page = list(tenant, shopper.customerId(), "").expect(200).body();
        assertThat(ids(page)).containsExactly(shopper.sessionId());
        assertThat(Instant.parse(page.path("data").get(0).path("expires_at").asText()))
                .isEqualTo(Instant.parse(shopper.authResult().path("expires_at").asText()));
        revoke(tenant, shopper.customerId(), shopper.sessionId()).expect(204);
        Tokens.assertRefused(api, tenant, shopper.accessToken());
    }

    @Test
    void revokeWhenSessionOfAnotherCustomerOrUnknownThen404AndItLives() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        var other = Fixtures.shopper(api, tenant);

        revoke(tenant, shopper.customerId(), other.sessionId()).expect(404, "not_found");
        revoke(tenant, shopper.customerId(), "ses_unknown").expect(404, "not_found");
        revoke(tenant, "cus_unknown", other.sessionId()).expect(404, "not_found");
        var anonymous = Tokens.anonymous(api, tenant);
        revoke(tenant, shopper.customerId(), anonymous.str("session_id")).expect(404, "not_found");

        Tokens.introspect(api, tenant, other.accessToken()).expect(200);
        Tokens.introspect(api, tenant, anonymous.str("access_token")).expect(200);
        list(tenant, "cus_unknown", "").expect(404, "not_found");
        revokeAll(tenant, "cus_unknown").expect(404, "not_found");
    }

    @Test
    void revokeAllWhenSessionsThenEveryOneEndsAndOtherCustomersKeepTheirs() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        var phone = Fixtures.login(api, tenant, shopper.email(), shopper.password());
        var bystander = Fixtures.shopper(api, tenant);

        revokeAll(tenant, shopper.customerId()).expect(204);

        Tokens.assertRefused(api, tenant, shopper.accessToken());
        Tokens.assertRefused(api, tenant, phone.accessToken());
        Tokens.refresh(api, tenant, shopper.refreshToken()).expect(401, "invalid_token");
        Tokens.introspect(api, tenant, bystander.accessToken()).expect(200);
        assertThat(list(tenant, shopper.customerId(), "").expect(200).body().path("data")).isEmpty();
        assertThat(events(tenant, shopper.customerId()).get(0).path("data").path("count").asInt()).isEqualTo(2);
        revokeAll(tenant, shopper.customerId()).expect(204);
        Fixtures.login(api, tenant, shopper.email(), shopper.password());
    }

    /**
     * Ending every session publishes one invalidation of the customer, after the commit: it has every node forget the
     * customer's tokens, those a request cached meanwhile among them, so a second one would only make the change wait
     * for the nodes again. With no session to end there is nothing to forget, and nothing is published.
     */
    @Test
    void revokeAllWhenSessionsThenTheCustomerIsPublishedOnceAndTheirTokensFailAtOnce() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        var phone = Fixtures.login(api, tenant, shopper.email(), shopper.password());
        Tokens.introspect(api, tenant, phone.accessToken()).expect(200);
        List<Invalidation> published = Publications.of(server, tenant.id());

        revokeAll(tenant, shopper.customerId()).expect(204);

        assertThat(published).containsExactly(new Invalidation(Invalidation.Kind.CUSTOMER, tenant.id(),
                shopper.customerId()));
        Tokens.assertRefused(api, tenant, phone.accessToken());
        published.clear();
        revokeAll(tenant, shopper.customerId()).expect(204);
        assertThat(published).isEmpty();
    }
}
