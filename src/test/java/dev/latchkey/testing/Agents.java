package dev.latchkey.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** AI shopping agents a customer grants: {@code POST /v1/me/agents} and calls made with the agent's token. */
public final class Agents {
    private Agents() {
    }

    /** A granted agent: its token, grant id, session and the whole answer. */
    public record Agent(Fixtures.Tenant tenant, String accessToken, String id, String sessionId, JsonNode grant) {
    }

    /** The customer grants an agent these scopes for the default hour. */
    public static Agent grant(Api api, Fixtures.Shopper customer, String... scope) {
        return grant(api, customer, Map.of("name", "Shopping assistant", "scope", List.of(scope)));
    }

    /** The customer grants an agent with this body, and their password unless it names one. */
    public static Agent grant(Api api, Fixtures.Shopper customer, Map<String, Object> body) {
        JsonNode grant = api.post("/v1/me/agents").as(customer).body(withPassword(customer, body)).send().expect(201)
                .body();
        return new Agent(customer.tenant(), grant.path("access_token").asText(), grant.path("id").asText(),
                grant.path("session_id").asText(), grant);
    }

    /** {@code body} with the customer's password, which a grant asks for, unless it names one already. */
    public static Map<String, Object> withPassword(Fixtures.Shopper customer, Map<String, Object> body) {
        Map<String, Object> withPassword = new HashMap<>(body);
        withPassword.putIfAbsent("password", customer.password());
        return withPassword;
    }
}
