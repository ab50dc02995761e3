package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.DedicatedServer;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static dev.latchkey.http.SweepWorld.resolve;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sweep over api/openapi.yaml: every operation that takes a JSON body gets the bodies a careless or hostile client
 * sends: no JSON, JSON that is no object, each property with a value of a type its schema does not allow or null, an
 * oversized string, a string holding NUL, nesting deeper than a parser should follow. Every answer must be a 4xx
 * problem with a code, never a 5xx; the client checks each status and body against the contract, so an undocumented
 * status or code fails too. Credentials and path ids are real, so that each answer is about the body.
 */
class BadInputSweepTest {
    @RegisterExtension
    static final DedicatedServer OWN = new DedicatedServer(SweepWorld.generousRateLimits());

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonNode DOCUMENT = SweepWorld.DOCUMENT;
    /** Long enough to pass any sensible limit, far below the 1 MB body limit. */
    private static final int OVERSIZED = 20_000;
    /** Deeper than Jackson's default nesting limit (1000) and the 32 levels customer attributes may use. */
    private static final int NESTING = 2_000;
    /**
     * Answers that show the request was turned away before its body was read, or that its fields were taken as valid
     * and it went on to look up a token or check a password: either way the sweep would test nothing.
     */
    private static final Set<String> NOT_ABOUT_THE_BODY = Set.of("invalid_api_key", "insufficient_scope",
            "not_found", "method_not_allowed", "rate_limited", "payload_too_large", "invalid_token", "token_expired",
            "token_used", "email_mismatch", "invalid_credentials");

    /** One operation that takes a JSON body, and the schema of that body. */
    record Operation(String method, String template, JsonNode definition, JsonNode schema) {
        String name() {
            return method + " " + template;
        }
    }

    @TestFactory
    List<DynamicContainer> bodyWhenHostileThenDocumented4xxWithCodeAndNothingStored() {
        var world = new SweepWorld(OWN.api());
        return jsonBodyOperations().stream().map(op -> sweep(world, op)).toList();
    }

    @Test
    void bodyWhenSchemaReachedThroughRefOrAllOfThenItsPropertiesAreSwept() {
        Map<String, Operation> byName = new HashMap<>();
        jsonBodyOperations().forEach(op -> byName.put(op.name(), op));
        // a body under components/requestBodies, and bodies assembled with allOf from a shared schema
        assertThat(properties(byName.get("POST /v1/auth/refresh").schema())).containsKey("refresh_token");
        assertThat(properties(byName.get("POST /v1/customers").schema())).containsKeys("email", "first_name");
        assertThat(required(byName.get("POST /v1/customers").schema())).containsExactlyInAnyOrder("email", "password");
        assertThat(properties(byName.get("PATCH /v1/admin/customers/{id}").schema()))
                .containsKeys("status", "attributes");
        assertThat(byName).as("the operations with a JSON body when the sweep was written")
                .hasSizeGreaterThanOrEqualTo(29);
    }

    // --- the walk over the contract ---

    private static List<Operation> jsonBodyOperations() {
        List<Operation> operations = new ArrayList<>();
        DOCUMENT.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(entry -> {
            JsonNode body = resolve(entry.getValue().path("requestBody"));
            JsonNode schema = body.path("content").path("application/json").path("schema");
            if (!schema.isMissingNode()) {
                operations.add(new Operation(entry.getKey().toUpperCase(), path.getKey(), entry.getValue(), schema));
            }
        }));
        return operations;
    }

    /** The properties of an object schema, those of every allOf part included, each resolved. */
    private static Map<String, JsonNode> properties(JsonNode schema) {
        JsonNode resolved = resolve(schema);
        Map<String, JsonNode> properties = new LinkedHashMap<>();
        resolved.path("allOf").forEach(part -> properties(part).forEach(properties::putIfAbsent));
        resolved.path("properties").fields()
                .forEachRemaining(p -> properties.putIfAbsent(p.getKey(), resolve(p.getValue())));
        return properties;
    }

    /** The names an object schema requires, those of every allOf part included. */
    private static Set<String> required(JsonNode schema) {
        JsonNode resolved = resolve(schema);
        Set<String> required = new LinkedHashSet<>();
        resolved.path("allOf").forEach(part -> required.addAll(required(part)));
        resolved.path("required").forEach(name -> required.add(name.asText()));
        return required;
    }

    private static Set<String> types(JsonNode schema) {
        Set<String> types = new LinkedHashSet<>();
        JsonNode type = schema.path("type");
        if (type.isTextual()) {
            types.add(type.asText());
        }
        type.forEach(t -> types.add(t.asText()));
        return types;
    }

    // --- the cases ---

    private static DynamicContainer sweep(SweepWorld world, Operation op) {
        String path = world.path(op.template());
        List<DynamicNode> tests = new ArrayList<>();
        // An update refused must leave the resource as it was: read it before the sweep, compare after.
        JsonNode get = DOCUMENT.path("paths").path(op.template()).path("get");
        boolean update = op.method().equals("PATCH") || op.method().equals("PUT");
        JsonNode before = update && !get.isMissingNode() ? world.read(path, get) : null;

        for (String raw : List.of("{\"a\":", "{\"a\": 1} trailing", "nonsense", "{'a': 1}")) {
            tests.add(test(world, op, "malformed JSON " + raw, raw, BadInputSweepTest::malformed));
        }
        String valid = Api.json(world.valid(op.name()));
        tests.add(test(world, op, "top-level array", "[" + valid + "]", BadInputSweepTest::malformed));
        tests.add(test(world, op, "top-level string", Api.json(valid), BadInputSweepTest::malformed));
        tests.add(test(world, op, "top-level number", "42", BadInputSweepTest::malformed));
        tests.add(test(world, op, "top-level null", "null", BadInputSweepTest::malformed));
        // the nesting goes into a property, so that "not an object" cannot be the reason for the refusal
        Map<String, JsonNode> properties = properties(op.schema());
        String first = properties.keySet().iterator().next();
        ObjectNode rest = MAPPER.valueToTree(world.valid(op.name()));
        rest.remove(first);
        String deep = "{" + Api.json(first) + ":" + "[".repeat(NESTING) + "]".repeat(NESTING)
                + (rest.isEmpty() ? "}" : "," + rest.toString().substring(1));
        tests.add(test(world, op, NESTING + " nested arrays in " + first, deep, res -> refused(res, first)));

        Set<String> required = required(op.schema());
        properties.forEach((name, schema) -> propertyCases(world, op, name, schema, required.contains(name), tests));

        if (before != null) {
            tests.add(DynamicTest.dynamicTest("stored resource unchanged: GET " + path,
                    () -> assertThat(world.read(path, get)).as("GET %s after the sweep", path).isEqualTo(before)));
        }
        return DynamicContainer.dynamicContainer(op.name(), tests);
    }

    /** The cases of one property, and of the properties of an object it holds (owner.email), named by their path. */
    private static void propertyCases(SweepWorld world, Operation op, String field, JsonNode schema,
                                      boolean required, List<DynamicNode> tests) {
        Set<String> types = types(schema);
        Consumer<Api.Res> aboutField = res -> refused(res, field);
        for (JsonNode wrong : wrongTypes(types)) {
            tests.add(test(world, op, field + " = " + wrong, world.with(op.name(), field, wrong), aboutField));
        }
        if (!types.contains("null")) {
            // null in an optional field reads as the field left out (openapi.yaml says so), so the answer is the one
            // the rest of the body gets, a fake token's refusal included; it must not fail. A required field refuses it.
            Consumer<Api.Res> nullExpected = required ? aboutField
                    : res -> assertThat(res.status()).as("status of %s", res.raw()).isLessThan(500);
            tests.add(test(world, op, field + " = null", world.with(op.name(), field, NODES.nullNode()), nullExpected));
        }
        if (types.contains("string")) {
            int length = Math.max(OVERSIZED, schema.path("maxLength").asInt(0) + 1);
            tests.add(test(world, op, field + " = " + length + " characters",
                    world.with(op.name(), field, NODES.textNode("x".repeat(length))), aboutField));
            tests.add(test(world, op, field + " holding NUL",
                    world.with(op.name(), field, NODES.textNode(world.withNul(op.name(), field))), aboutField));
        }
        if (types.contains("object")) {
            Set<String> nestedRequired = required(schema);
            properties(schema).forEach((name, nested) -> propertyCases(world, op, field + "." + name, nested,
                    nestedRequired.contains(name), tests));
        }
    }

    /** A value of each JSON type the schema does not allow; strings that look like the right type, as forms send. */
    private static List<JsonNode> wrongTypes(Set<String> allowed) {
        if (allowed.isEmpty()) {
            return List.of(); // any value is allowed
        }
        boolean numeric = allowed.contains("integer") || allowed.contains("number");
        List<JsonNode> values = new ArrayList<>();
        if (!allowed.contains("string")) {
            values.add(NODES.textNode(allowed.contains("boolean") ? "true" : numeric ? "42" : "text"));
        }
        if (!numeric) {
            values.add(NODES.numberNode(42));
        }
        if (allowed.contains("integer") && !allowed.contains("number")) {
            values.add(NODES.numberNode(1.5));
            values.add(NODES.numberNode(new BigInteger("123456789012345678901234567890"))); // beyond 64 bits
        }
        if (!allowed.contains("boolean")) {
            values.add(NODES.booleanNode(true));
        }
        if (!allowed.contains("object")) {
            values.add(NODES.objectNode().put("a", 1));
        }
        if (!allowed.contains("array")) {
            values.add(NODES.arrayNode().add(1));
        }
        return values;
    }

    /** One request; a failure names the operation and the case, as report lines of dynamic tests may not. */
    private static DynamicTest test(SweepWorld world, Operation op, String name, String body,
                                    Consumer<Api.Res> expectation) {
        Executable send = () -> {
            try {
                // the client has checked the answer against the contract
                expectation.accept(world.call(op.method(), world.path(op.template()), op.definition()).body(body)
                        .send());
            } catch (AssertionError e) {
                throw new AssertionError(op.name() + ", " + name + ": " + e.getMessage(), e);
            }
        };
        return DynamicTest.dynamicTest(name, send);
    }

    /** No JSON object at all: the contract's 400 malformed_json, which also shows the credentials were accepted. */
    private static void malformed(Api.Res res) {
        res.expect(400, "malformed_json");
    }

    /** A bad value of {@code field}; a 422 names that field and no other, so the rest of the body was valid. */
    private static void refused(Api.Res res, String field) {
        SweepWorld.refused(res, NOT_ABOUT_THE_BODY, error -> error.startsWith(field + ":")
                || error.startsWith(field + ".") || error.startsWith(field + "["));
    }
}
