package dev.latchkey.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Agents;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Tokens;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A customer grants an AI shopping agent a scoped token, sees it among their sessions and grants, and revokes it. */
class AgentGrantTest extends ApiTest {
    private final Fixtures.Tenant tenant = Fixtures.tenant(api);
    private final Fixtures.Shopper customer = Fixtures.shopper(api, tenant);

    @Test
    void grantWhenTheCustomerAsksThenAScopedTokenOfItsOwnSession() {
        Instant before = server.clock.instant().minusSeconds(1);

        var res = api.post("/v1/me/agents").as(customer).body(Agents.withPassword(customer,
                        Map.of("name", "  Weekly groceries  ", "scope", List.of("cart:write", "orders:read"))))
                .send().expect(201);

        assertThat(res.header("Cache-Control")).isEqualTo("no-store");
        JsonNode grant = res.body();
        assertThat(grant.path("id").asText()).startsWith("agent_");
        assertThat(grant.path("name").asText()).isEqualTo("Weekly groceries");
        assertThat(texts(grant.path("scope"))).containsExactly("cart:write", "orders:read");
        assertThat(grant.path("access_token").asText()).matches("agt_[0-9A-Za-z]{43}");
        assertThat(grant.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(grant.path("expires_in").asLong()).isEqualTo(3600);
        Instant created = Instant.parse(grant.path("created_at").asText());
        assertThat(created).isAfter(before);
        assertThat(Instant.parse(grant.path("expires_at").asText())).isEqualTo(created.plusSeconds(3600));
        assertThat(grant.has("refresh_token")).isFalse();

        String token = grant.path("access_token").asText();
        var info = Tokens.introspect(api, tenant, token).expect(200).body();
        assertThat(info.path("kind").asText()).isEqualTo("agent");
        assertThat(texts(info.path("scope"))).containsExactly("cart:write", "orders:read");
        assertThat(info.path("session_id").asText()).isEqualTo(grant.path("session_id").asText());
        assertThat(info.path("customer_id").asText()).isEqualTo(customer.customerId());
        // the address is profile data, which this grant does not read
        assertThat(info.path("email").isNull()).isTrue();
        assertThat(info.path("expires_at").asText()).isEqualTo(grant.path("expires_at").asText());
        var reader = Agents.grant(api, customer, "profile:read");
        assertThat(Tokens.introspect(api, tenant, reader.accessToken()).expect(200).str("email"))
                .isEqualTo(customer.email());
    }

    @Test
    void grantThenOnlyTheTokensHashIsStoredAndNoRefreshToken() {
        var agent = Agents.grant(api, customer, "profile:read");

        byte[] hash = HexFormat.of().parseHex(Secrets.sha256(agent.accessToken()));
        int rows = server.app.database().read(h -> h.createQuery("SELECT COUNT(*) FROM token_pairs "
                        + "WHERE access_hash = :hash AND refresh_hash IS NULL AND session_id = :session")
                .bind("hash", hash).bind("session", agent.sessionId()).mapTo(Integer.class).one());
        assertThat(rows).isEqualTo(1);
        String stored = server.app.database().read(h -> h.createQuery("SELECT CONCAT(agent_id, ' ', agent_name, ' ', "
                        + "scope) FROM sessions WHERE tenant_id = :tenant AND id = :session")
                .bind("tenant", tenant.id()).bind("session", agent.sessionId()).mapTo(String.class).one());
        assertThat(stored).isEqualTo(agent.id() + " Shopping assistant profile:read").doesNotContain("agt_");
    }

    @Test
    void grantThenListedAmongTheCustomersGrantsAndSessionsAndTheMerchantsView() {
        var agent = Agents.grant(api, customer, "cart:read");

        JsonNode grants = api.get("/v1/me/agents").as(customer).send().expect(200).body();
        assertThat(grants.path("next_cursor").isNull()).isTrue();
        assertThat(grants.path("data")).hasSize(1);
        JsonNode listed = grants.path("data").get(0);
        assertThat(listed.path("id").asText()).isEqualTo(agent.id());
        assertThat(listed.path("session_id").asText()).isEqualTo(agent.sessionId());
        assertThat(texts(listed.path("scope"))).containsExactly("cart:read");
        assertThat(listed.has("access_token")).isFalse();

        JsonNode mine = api.get("/v1/me/sessions").as(customer).send().expect(200).body().path("data");
        JsonNode session = session(mine, agent.sessionId());
        assertThat(session.path("kind").asText()).isEqualTo("agent");
        assertThat(session.path("current").asBoolean()).isFalse();
        assertThat(session.path("expires_at").asText()).isEqualTo(agent.grant().path("expires_at").asText());

        JsonNode merchants = api.get("/v1/admin/customers/" + customer.customerId() + "/sessions")
                .bearer(tenant.sk()).send().expect(200).body().path("data");
        assertThat(session(merchants, agent.sessionId()).path("kind").asText()).isEqualTo("agent");

        JsonNode granted = AuditEvents.only(api, tenant, customer.customerId(), "agent.granted");
        assertThat(granted.path("data").path("agent_id").asText()).isEqualTo(agent.id());
        assertThat(granted.path("data").path("session_id").asText()).isEqualTo(agent.sessionId());
        assertThat(texts(granted.path("data").path("scope"))).containsExactly("cart:read");
        assertThat(granted.toString()).doesNotContain(agent.accessToken());
    }

    @Test
    void listWhenMoreThanAPageThenNewestFirstByCursor() {
        var first = Agents.grant(api, customer, "cart:read");
        server.clock.advance(Duration.ofMillis(5));
        var second = Agents.grant(api, customer, "cart:read");
        server.clock.advance(Duration.ofMillis(5));
        var third = Agents.grant(api, customer, "cart:read");

        var page = api.get("/v1/me/agents?limit=2").as(customer).send().expect(200).body();
        assertThat(page.path("data").findValuesAsText("id")).containsExactly(third.id(), second.id());
        var rest = api.get("/v1/me/agents?limit=2&cursor=" + page.path("next_cursor").asText()).as(customer).send()
                .expect(200).body();
        assertThat(rest.path("data").findValuesAsText("id")).containsExactly(first.id());
        assertThat(rest.path("next_cursor").isNull()).isTrue();
    }

    @Test
    void revokeThenTheAgentsTokenIsRefusedOnTheNextRequest() {
        var agent = Agents.grant(api, customer, "profile:read");
        api.get("/v1/me").as(agent).send().expect(200); // cached now

        api.delete("/v1/me/agents/" + agent.id()).as(customer).send().expect(204);

        api.get("/v1/me").as(agent).send().expect(401, "invalid_token");
        assertThat(api.get("/v1/me/agents").as(customer).send().expect(200).body().path("data")).isEmpty();
        api.delete("/v1/me/agents/" + agent.id()).as(customer).send().expect(404, "not_found");
        JsonNode revoked = AuditEvents.only(api, tenant, customer.customerId(), "agent.revoked");
        assertThat(revoked.path("data").path("agent_id").asText()).isEqualTo(agent.id());
        assertThat(revoked.path("data").path("reason").asText()).isEqualTo("customer");
        api.get("/v1/me").as(customer).send().expect(200);
    }

    @Test
    void revokeWhenAnotherCustomersOrUnknownGrantThenNotFoundAndItLives() {
        var other = Fixtures.shopper(api, tenant);
        var theirs = Agents.grant(api, other, "profile:read");

        api.delete("/v1/me/agents/" + theirs.id()).as(customer).send().expect(404, "not_found");
        api.delete("/v1/me/agents/agent_unknown").as(customer).send().expect(404, "not_found");
        api.delete("/v1/me/agents/" + theirs.sessionId()).as(other).send().expect(404, "not_found");

        api.get("/v1/me").as(theirs).send().expect(200);
        assertThat(api.get("/v1/me/agents").as(customer).send().expect(200).body().path("data")).isEmpty();
    }

    @Test
    void grantListOrRevokeWhenNotTheCustomersOwnTokenThenInsufficientScope() {
        var agent = Agents.grant(api, customer, "profile:read", "profile:write", "addresses:read",
                "addresses:write", "cart:read", "cart:write", "orders:read");
        String guest = Tokens.anonymous(api, tenant).str("access_token");
        Map<String, Object> body = Map.of("name", "Helper", "scope", List.of("cart:read"));

        for (String bearer : List.of(agent.accessToken(), guest)) {
            api.post("/v1/me/agents").key(tenant.pk()).bearer(bearer).body(body).send()
                    .expect(403, "insufficient_scope");
            api.get("/v1/me/agents").key(tenant.pk()).bearer(bearer).send().expect(403, "insufficient_scope");
            api.delete("/v1/me/agents/" + agent.id()).key(tenant.pk()).bearer(bearer).send()
                    .expect(403, "insufficient_scope");
        }
        api.post("/v1/auth/renew").as(agent).send().expect(403, "insufficient_scope");
        assertThat(api.get("/v1/me/agents").as(customer).send().expect(200).body().path("data")).hasSize(1);
        Tokens.introspect(api, tenant, agent.accessToken()).expect(200);
    }

    @Test
    void tokenWhenSentWithAnotherTenantsKeyThenInvalidToken() {
        var agent = Agents.grant(api, customer, "profile:read");
        var otherTenant = Fixtures.tenant(api);

        api.get("/v1/me").key(otherTenant.pk()).bearer(agent.accessToken()).send().expect(401, "invalid_token");
        Tokens.introspect(api, otherTenant, agent.accessToken()).expect(401, "invalid_token");
        api.get("/v1/me").as(agent).send().expect(200);
    }

    @Test
    void tokenWhenSentWhereAnotherCredentialIsNeededThenTheWrongKind() {
        var agent = Agents.grant(api, customer, "profile:read");

        api.get("/v1/admin/customers").bearer(agent.accessToken()).send().expect(403, "insufficient_scope");
        api.get("/v1/me").header("X-Api-Key", agent.accessToken()).send().expect(403, "insufficient_scope");
        Tokens.refresh(api, tenant, agent.accessToken()).expect(401, "invalid_token");
    }

    @Test
    void logoutWithTheAgentsTokenThenItsGrantEndsAndTheCustomerStays() {
        var agent = Agents.grant(api, customer, "cart:read");

        api.post("/v1/auth/logout").as(agent).send().expect(204);

        Tokens.assertRefused(api, tenant, agent.accessToken());
        assertThat(api.get("/v1/me/agents").as(customer).send().expect(200).body().path("data")).isEmpty();
        JsonNode ended = AuditEvents.only(api, tenant, customer.customerId(), "session.revoked");
        assertThat(ended.path("data").path("reason").asText()).isEqualTo("logout");
        assertThat(ended.path("data").path("session_id").asText()).isEqualTo(agent.sessionId());
        api.get("/v1/me").as(customer).send().expect(200);
    }

    @Test
    void logoutOfTheGrantingSessionThenTheGrantLives() {
        var agent = Agents.grant(api, customer, "profile:read");

        api.post("/v1/auth/logout").as(customer).send().expect(204);

        api.get("/v1/me").as(agent).send().expect(200);
    }

    @Test
    void passwordChangeThenEveryGrantEnds() {
        var agent = Agents.grant(api, customer, "profile:read");
        api.get("/v1/me").as(agent).send().expect(200);

        api.post("/v1/me/password").as(customer)
                .body(Map.of("current_password", Fixtures.PASSWORD, "new_password", "a brand new pass phrase"))
                .send().expect(204);

        api.get("/v1/me").as(agent).send().expect(401, "invalid_token");
        api.get("/v1/me").as(customer).send().expect(200);
    }

    @Test
    void sessionEndedLikeAnyOtherThenTheGrantEnds() {
        var bySessionId = Agents.grant(api, customer, "profile:read");
        api.delete("/v1/me/sessions/" + bySessionId.sessionId()).as(customer).send().expect(204);
        api.get("/v1/me").as(bySessionId).send().expect(401, "invalid_token");

        var byOthers = Agents.grant(api, customer, "profile:read");
        api.delete("/v1/me/sessions").as(customer).send().expect(204);
        api.get("/v1/me").as(byOthers).send().expect(401, "invalid_token");

        var byMerchant = Agents.grant(api, customer, "profile:read");
        api.delete("/v1/admin/customers/" + customer.customerId() + "/sessions/" + byMerchant.sessionId())
                .bearer(tenant.sk()).send().expect(204);
        api.get("/v1/me").as(byMerchant).send().expect(401, "invalid_token");

        var byStatus = Agents.grant(api, customer, "profile:read");
        api.get("/v1/me").as(byStatus).send().expect(200);
        api.patch("/v1/admin/customers/" + customer.customerId()).bearer(tenant.sk())
                .body(Map.of("status", "on_hold")).send().expect(200);
        api.get("/v1/me").as(byStatus).send().expect(401, "invalid_token");
    }

    @Test
    void accountErasedThenTheGrantIsGoneWithIt() {
        var shop = Fixtures.tenant(api, Map.of("deletion_requires_confirmation", false));
        var shopper = Fixtures.shopper(api, shop);
        var agent = Agents.grant(api, shopper, "profile:read");
        api.get("/v1/me").as(agent).send().expect(200);

        api.delete("/v1/me").as(shopper).send().expect(204);

        api.get("/v1/me").as(agent).send().expect(401, "invalid_token");
        int rows = server.app.database().read(h -> h.createQuery("SELECT COUNT(*) FROM sessions "
                + "WHERE tenant_id = :tenant AND id = :session").bind("tenant", shop.id())
                .bind("session", agent.sessionId()).mapTo(Integer.class).one());
        assertThat(rows).isZero();
    }

    @Test
    void expiresInWhenGivenThenTheTokenEndsThen() {
        var agent = Agents.grant(api, customer, Map.of("name", "Quick errand", "scope", List.of("cart:read"),
                "expires_in", 60));
        assertThat(agent.grant().path("expires_in").asLong()).isEqualTo(60);
        Tokens.introspect(api, tenant, agent.accessToken()).expect(200);

        server.clock.advance(Duration.ofSeconds(61));

        Tokens.assertRefused(api, tenant, agent.accessToken());
        assertThat(api.get("/v1/me/agents").as(customer).send().expect(200).body().path("data")).isEmpty();
    }

    @Test
    void expiresInWhenBeyondTheShopsLongestSessionThenRefusedAndALoweredLimitEndsTheGrant() {
        var shop = Fixtures.tenant(api, Map.of("session_max_lifetime", 7200));
        var shopper = Fixtures.shopper(api, shop);
        var refused = api.post("/v1/me/agents").as(shopper)
                .body(Agents.withPassword(shopper, Map.of("name", "Helper", "scope", List.of("cart:read"),
                        "expires_in", 7201))).send();
        assertThat(refused.expect(422, "validation_failed").body().path("errors").get(0).path("message").asText())
                .contains("7200");
        var agent = Agents.grant(api, shopper, Map.of("name", "Helper", "scope", List.of("cart:read"),
                "expires_in", 7200));
        Tokens.introspect(api, shop, agent.accessToken()).expect(200);

        api.patch("/v1/admin/settings").bearer(shop.sk()).body(Map.of("session_max_lifetime", 3600)).send()
                .expect(200);
        server.clock.advance(Duration.ofSeconds(3601));

        Tokens.assertRefused(api, shop, agent.accessToken());
        assertThat(api.get("/v1/me/agents").as(Fixtures.login(api, shop, shopper.email(), shopper.password()))
                .send().expect(200).body().path("data")).isEmpty();
    }

    @Test
    void grantWhenTheCustomerHasTwentyLiveGrantsThenRefusedUntilOneIsRevoked() {
        String last = null;
        for (int i = 0; i < AgentService.MAX_LIVE_GRANTS; i++) {
            last = Agents.grant(api, customer, "cart:read").id();
        }
        Map<String, Object> body = Agents.withPassword(customer, Map.of("name", "One too many",
                "scope", List.of("cart:read")));

        api.post("/v1/me/agents").as(customer).body(body).send().expect(422, "agent_limit_reached");

        api.delete("/v1/me/agents/" + last).as(customer).send().expect(204);
        api.post("/v1/me/agents").as(customer).body(body).send().expect(201);
        assertThat(AuditEvents.of(api, tenant, customer.customerId(), "agent.granted"))
                .hasSize(AgentService.MAX_LIVE_GRANTS + 1);
    }

    private static JsonNode session(JsonNode sessions, String id) {
        for (JsonNode session : sessions) {
            if (session.path("id").asText().equals(id)) {
                return session;
            }
        }
        throw new AssertionError("session " + id + " is not listed in " + sessions);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(item -> out.add(item.asText()));
        return out;
    }
}
