package dev.latchkey.auth;

import dev.latchkey.testing.Agents;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Bodies;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Problems;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A grant asked for with a bad body is refused with the field it is about, and nothing is written. */
class AgentGrantInputTest extends ApiTest {
    private final Fixtures.Tenant tenant = Fixtures.tenant(api);
    private final Fixtures.Shopper customer = Fixtures.shopper(api, tenant);

    /** A valid body with {@code field} set to {@code value} (null: left out). */
    private Map<String, Object> with(String field, Object value) {
        Map<String, Object> body = Bodies.of("name", "Shopping assistant", "scope", List.of("cart:read"),
                "expires_in", 3600, "password", customer.password());
        if (value == null) {
            body.remove(field);
        } else {
            body.put(field, value);
        }
        return body;
    }

    @Test
    void grantWhenAFieldIsBadThenValidationFailedNamingItAndNothingWritten() {
        record Case(Map<String, Object> body, String error) {
        }
        List<Case> cases = new ArrayList<>(List.of(
                new Case(with("password", null), "password:required"),
                new Case(with("password", 42), "password:invalid_type"),
                new Case(with("name", null), "name:required"),
                new Case(with("name", ""), "name:required"),
                new Case(with("name", "   "), "name:required"),
                new Case(with("name", "x".repeat(101)), "name:too_long"),
                new Case(with("name", "two\nlines"), "name:invalid"),
                new Case(with("name", 42), "name:invalid_type"),
                new Case(with("scope", null), "scope:required"),
                new Case(with("scope", List.of()), "scope:too_short"),
                new Case(with("scope", "cart:read"), "scope:invalid_type"),
                new Case(with("scope", List.of("cart:read", "wallet:spend")), "scope:invalid"),
                new Case(with("scope", List.of("CART:READ")), "scope:invalid"),
                new Case(with("scope", List.of(1)), "scope:invalid_type"),
                new Case(with("scope", List.of("cart:read", "orders:read", "cart:read")), "scope:duplicate"),
                new Case(with("expires_in", 59), "expires_in:out_of_range"),
                new Case(with("expires_in", 0), "expires_in:out_of_range"),
                new Case(with("expires_in", -3600), "expires_in:out_of_range"),
                new Case(with("expires_in", 2_592_001), "expires_in:out_of_range"),
                new Case(with("expires_in", "3600"), "expires_in:invalid_type"),
                new Case(with("expires_in", 60.5), "expires_in:invalid_type")));

        for (Case c : cases) {
            var res = api.post("/v1/me/agents").as(customer).body(c.body()).send();
            Problems.assertInvalid(res, c.error().split(":")[0], c.error().split(":")[1]);
            assertThat(Problems.fieldErrors(res)).as("errors of %s", c.body()).containsExactly(c.error());
        }

        assertNothingGranted();
    }

    @Test
    void grantWhenEveryFieldIsBadThenEachIsNamedInOneAnswer() {
        var res = api.post("/v1/me/agents").as(customer)
                .body(Map.of("name", "", "scope", List.of("nope"), "expires_in", 1, "password", customer.password()))
                .send();

        assertThat(Problems.fieldErrors(Problems.assertInvalidField(res, "name")))
                .containsExactly("name:required", "scope:invalid", "expires_in:out_of_range");
        assertNothingGranted();
    }

    @Test
    void grantWhenTheBodyIsNoJsonObjectThenMalformedJson() {
        for (String raw : List.of("{\"name\":", "[]", "\"name\"", "{'name': 'x'}",
                "{\"name\": \"a\", \"name\": \"b\", \"scope\": [\"cart:read\"]}")) {
            api.post("/v1/me/agents").as(customer).body(raw).send().expect(400, "malformed_json");
        }
        Problems.assertInvalid(api.post("/v1/me/agents").as(customer).send(), "name", "required");

        assertNothingGranted();
    }

    /** A stolen access token alone must not mint a grant that outlives the session: the password is asked again. */
    @Test
    void grantWhenThePasswordIsWrongThenInvalidCredentialsCountedAsAFailedLoginAndNothingGranted() {
        api.post("/v1/me/agents").as(customer).body(with("password", "not the password")).send()
                .expect(403, "invalid_credentials");

        assertNothingGranted();
        var failures = AuditEvents.of(api, tenant, customer.customerId(), "password.check_failed");
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0).path("data").path("action").asText()).isEqualTo("agent_grant");
        assertThat(api.get("/v1/admin/customers/" + customer.customerId() + "/lockout").bearer(tenant.sk()).send()
                .expect(200).body().path("failed_attempts").asInt()).isEqualTo(1);
    }

    @Test
    void grantWhenAskedByAnAgentThenRefusedBeforeTheBodyIsRead() {
        var agent = Agents.grant(api, customer, "profile:read");

        api.post("/v1/me/agents").as(agent).body("nonsense").send().expect(403, "insufficient_scope");
        api.post("/v1/me/agents").key(tenant.pk()).body(with("name", "Helper")).send()
                .expect(401, "invalid_token");
    }

    private void assertNothingGranted() {
        assertThat(api.get("/v1/me/agents").as(customer).send().expect(200).body().path("data")).isEmpty();
        assertThat(AuditEvents.of(api, tenant, customer.customerId(), "agent.granted")).isEmpty();
        int agentSessions = server.app.database().read(h -> h.createQuery("SELECT COUNT(*) FROM sessions "
                        + "WHERE tenant_id = :tenant AND kind = 'agent'")
                .bind("tenant", tenant.id()).mapTo(Integer.class).one());
        assertThat(agentSessions).isZero();
    }
}
