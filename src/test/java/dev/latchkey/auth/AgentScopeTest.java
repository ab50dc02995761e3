package dev.latchkey.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Agents;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.OpenApiContract;
import dev.latchkey.testing.Tokens;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an agent's scope opens, as api/openapi.yaml states it in {@code x-agent-scope}: every operation that takes a
 * shopper's token is called with an agent holding the scope it names (let through) and with one holding every other
 * scope (refused); an operation naming none refuses an agent holding them all. So the document and the routes cannot
 * drift apart, and a new route is closed to agents until someone decides otherwise.
 */
class AgentScopeTest extends ApiTest {
    private static final JsonNode DOCUMENT = OpenApiContract.shared().document();
    private static final String ANY = "any";

    private final Fixtures.Tenant tenant = Fixtures.tenant(api);
    private final Fixtures.Shopper customer = Fixtures.shopper(api, tenant);

    /** An operation that takes a shopper's token, and the scope it names for agents (null: none, agents refused). */
    record Operation(String method, String template, String scope) {
        String name() {
            return method + " " + template;
        }

        /** The path with a made-up value for each parameter: a route let through answers 404 or a 422, never 403. */
        String path() {
            return template.replaceAll("\\{[^}]+}", "made-up-1");
        }

        boolean hasBody() {
            return Set.of("POST", "PUT", "PATCH").contains(method);
        }
    }

    static List<Operation> shopperOperations() {
        List<Operation> operations = new ArrayList<>();
        DOCUMENT.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(entry -> {
            JsonNode security = entry.getValue().path("security");
            boolean shopper = !security.isEmpty() && StreamSupport.stream(security.spliterator(), false)
                    .allMatch(requirement -> requirement.has("bearer"));
            if (shopper) {
                JsonNode scope = entry.getValue().path("x-agent-scope");
                operations.add(new Operation(entry.getKey().toUpperCase(), path.getKey(),
                        scope.isMissingNode() ? null : scope.asText()));
            }
        }));
        return operations;
    }

    @Test
    void documentWhenReadThenEveryScopeOpensSomethingAndOnlyKnownScopesAreNamed() {
        Set<String> named = new TreeSet<>();
        shopperOperations().stream().map(Operation::scope).filter(s -> s != null && !s.equals(ANY))
                .forEach(named::add);

        assertThat(named).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(AgentScope.values()).map(AgentScope::wire).toList());
        assertThat(shopperOperations()).as("operations that take a shopper's token").hasSizeGreaterThanOrEqualTo(23);
        assertThat(shopperOperations()).filteredOn(op -> op.scope() == null).extracting(Operation::name)
                .contains("POST /v1/me/password", "POST /v1/me/email", "GET /v1/me/sessions", "DELETE /v1/me",
                        "GET /v1/me/export", "POST /v1/me/agents", "POST /v1/auth/renew");
    }

    @TestFactory
    List<DynamicTest> operationWhenTheAgentHoldsItsScopeThenLetThroughAndOtherwiseInsufficientScope() {
        Map<AgentScope, Agents.Agent> only = new EnumMap<>(AgentScope.class);
        Map<AgentScope, Agents.Agent> allBut = new EnumMap<>(AgentScope.class);
        for (AgentScope scope : AgentScope.values()) {
            only.put(scope, Agents.grant(api, customer, scope.wire()));
            allBut.put(scope, Agents.grant(api, customer, Arrays.stream(AgentScope.values())
                    .filter(other -> !AgentScope.covers(Set.of(other), scope)).map(AgentScope::wire)
                    .toArray(String[]::new)));
        }
        Agents.Agent everything = Agents.grant(api, customer,
                Arrays.stream(AgentScope.values()).map(AgentScope::wire).toArray(String[]::new));

        List<DynamicTest> tests = new ArrayList<>();
        for (Operation op : shopperOperations()) {
            if (op.scope() == null) {
                tests.add(DynamicTest.dynamicTest(op.name() + " refuses an agent holding every scope",
                        () -> assertThat(refused(op, everything).raw()).contains("agent")));
            } else if (op.scope().equals(ANY)) {
                tests.add(DynamicTest.dynamicTest(op.name() + " takes any agent's token",
                        () -> letThrough(op, Agents.grant(api, customer, "orders:read"))));
            } else {
                AgentScope scope = AgentScope.fromWire(op.scope()).orElseThrow();
                tests.add(DynamicTest.dynamicTest(op.name() + " takes an agent holding " + scope.wire(),
                        () -> letThrough(op, only.get(scope))));
                tests.add(DynamicTest.dynamicTest(op.name() + " refuses an agent without " + scope.wire(), () -> {
                    Api.Res res = refused(op, allBut.get(scope));
                    assertThat(res.str("detail")).contains(scope.wire());
                    assertThat(res.header("WWW-Authenticate")).endsWith("scope=\"" + scope.wire() + "\"");
                }));
            }
        }
        return tests;
    }

    private Api.Res send(Operation op, Agents.Agent agent) {
        Api.Call call = api.method(op.method(), op.path()).as(agent);
        return (op.hasBody() ? call.body("{}") : call).send();
    }

    private Api.Res refused(Operation op, Agents.Agent agent) {
        return send(op, agent).expect(403, "insufficient_scope");
    }

    private void letThrough(Operation op, Agents.Agent agent) {
        Api.Res res = send(op, agent);
        assertThat(res.status()).as("%s as an agent: %s", op.name(), res.raw()).isNotIn(401, 403).isLessThan(500);
    }

    @Test
    void cartWriteWhenTheAgentFillsACartThenItIsTheCustomersCart() {
        var shopping = Agents.grant(api, customer, "cart:write");
        var reading = Agents.grant(api, customer, "cart:read");

        String cartId = api.post("/v1/carts").as(shopping).send().expect(201).str("id");
        api.put("/v1/carts/" + cartId + "/items/SKU-7").as(shopping).body(Map.of("quantity", 2)).send().expect(200);

        JsonNode seen = api.get("/v1/carts/" + cartId).as(customer).send().expect(200).body();
        assertThat(seen.path("customer_id").asText()).isEqualTo(customer.customerId());
        assertThat(seen.path("items").get(0).path("quantity").asInt()).isEqualTo(2);
        assertThat(api.post("/v1/carts").as(customer).send().expect(201).str("id")).isEqualTo(cartId);
        api.get("/v1/carts/" + cartId).as(reading).send().expect(200);
        api.get("/v1/carts/" + cartId).as(shopping).send().expect(200); // a write scope includes its read scope
        api.put("/v1/carts/" + cartId + "/items/SKU-7").as(reading).body(Map.of("quantity", 0)).send()
                .expect(403, "insufficient_scope");
    }

    @Test
    void cartWhenAGuestsCartThenNotTheAgentsToSee() {
        var guest = Tokens.anonymous(api, tenant);
        String guestCart = api.post("/v1/carts").key(tenant.pk()).bearer(guest.str("access_token")).send()
                .expect(201).str("id");
        var agent = Agents.grant(api, customer, "cart:read");

        api.get("/v1/carts/" + guestCart).as(agent).send().expect(404, "not_found");
    }

    @Test
    void profileWriteWhenTheAgentChangesTheProfileThenTheCustomerSeesIt() {
        var agent = Agents.grant(api, customer, "profile:write");

        api.patch("/v1/me").as(agent).body(Map.of("first_name", "Ada")).send().expect(200);

        assertThat(api.get("/v1/me").as(customer).send().expect(200).str("first_name")).isEqualTo("Ada");
        api.patch("/v1/me").as(Agents.grant(api, customer, "profile:read")).body(Map.of("first_name", "Eve"))
                .send().expect(403, "insufficient_scope");
    }

    @Test
    void expandAddressesWhenTheAgentLacksAddressesReadThenInsufficientScope() {
        Fixtures.address(api, customer);
        var profileOnly = Agents.grant(api, customer, "profile:read");
        var both = Agents.grant(api, customer, "profile:read", "addresses:read");

        var refused = api.get("/v1/me?expand=addresses").as(profileOnly).send().expect(403, "insufficient_scope");
        assertThat(refused.str("detail")).contains("addresses:read");
        assertThat(api.get("/v1/me?expand=addresses").as(both).send().expect(200).body().path("addresses"))
                .hasSize(1);
        api.get("/v1/me").as(profileOnly).send().expect(200);
    }

    @Test
    void addressesWriteWhenTheAgentAddsAnAddressThenItIsInTheCustomersBook() {
        var agent = Agents.grant(api, customer, "addresses:write");

        var created = api.post("/v1/me/addresses").as(agent).body(Map.of("line1", "Unter den Linden 1",
                "city", "Berlin", "postal_code", "10117", "country", "DE")).send().expect(201);

        api.get("/v1/me/addresses/" + created.str("id")).as(customer).send().expect(200);
        api.get("/v1/me/addresses").as(agent).send().expect(200);
    }

    @Test
    void ordersReadWhenTheAgentReadsOrdersThenTheCustomersHistory() {
        var agent = Agents.grant(api, customer, "orders:read");

        api.get("/v1/me/orders").as(agent).send().expect(200);
        api.get("/v1/me").as(agent).send().expect(403, "insufficient_scope");
    }

    @Test
    void introspectWhenCustomerOrGuestThenScopeIsTheirKindAsBefore() {
        assertThat(Tokens.introspect(api, tenant, customer.accessToken()).expect(200).body().path("scope").toString())
                .isEqualTo("[\"customer\"]");
        String guest = Tokens.anonymous(api, tenant).str("access_token");
        assertThat(Tokens.introspect(api, tenant, guest).expect(200).body().path("scope").toString())
                .isEqualTo("[\"anonymous\"]");
        var agent = Agents.grant(api, customer, "orders:read", "cart:read", "profile:read");
        assertThat(Tokens.introspect(api, tenant, agent.accessToken()).expect(200).body().path("scope").toString())
                .isEqualTo("[\"profile:read\",\"cart:read\",\"orders:read\"]");
    }
}
