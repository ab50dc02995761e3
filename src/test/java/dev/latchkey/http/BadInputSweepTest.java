package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.ratelimit.LimitedAction;
import dev.latchkey.ratelimit.RateLimitSettings;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.Bodies;
import dev.latchkey.testing.DedicatedServer;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.OpenApiContract;
import dev.latchkey.testing.Problems;
import dev.latchkey.testing.StaffFixtures;
import dev.latchkey.testing.TestServer;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sweep over api/openapi.yaml: every operation that takes a JSON body gets the bodies a careless or hostile client
 * sends: no JSON, JSON that is no object, each property with a value of a type its schema does not allow or null, an
 * oversized string, a string holding NUL, nesting deeper than a parser should follow. Every answer must be a 4xx
 * problem with a code, never a 5xx; the client checks each status and body against the contract, so an undocumented
 * status or code fails too. Credentials and path ids are real, so that each answer is about the body.
 */
class BadInputSweepTest {
    /** The limiter still runs on every hostile body, but a 429 would hide what the body itself did. */
    @RegisterExtension
    static final DedicatedServer OWN = new DedicatedServer(generousRateLimits());

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonNode DOCUMENT = OpenApiContract.shared().document();
    private static final String NEW_PASSWORD = "another correct horse battery staple";
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

    private static Map<String, String> generousRateLimits() {
        Map<String, String> env = new HashMap<>();
        for (LimitedAction action : LimitedAction.values()) {
            env.put(RateLimitSettings.envName(action, true), "1000000/1h");
            env.put(RateLimitSettings.envName(action, false), "1000000/1h");
        }
        return env;
    }

    /** One operation that takes a JSON body, and the schema of that body. */
    record Operation(String method, String template, JsonNode definition, JsonNode schema) {
        String name() {
            return method + " " + template;
        }
    }

    @TestFactory
    List<DynamicContainer> bodyWhenHostileThenDocumented4xxWithCodeAndNothingStored() {
        var world = new World(OWN.api());
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

    private static JsonNode resolve(JsonNode node) {
        while (node.has("$ref")) {
            node = DOCUMENT.at(node.get("$ref").asText().substring(1));
        }
        return node;
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

    private static DynamicContainer sweep(World world, Operation op) {
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
    private static void propertyCases(World world, Operation op, String field, JsonNode schema, boolean required,
                                      List<DynamicNode> tests) {
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
    private static DynamicTest test(World world, Operation op, String name, String body,
                                    Consumer<Api.Res> expectation) {
        Executable send = () -> {
            try {
                expectation.accept(world.send(op, body)); // the client has checked the answer against the contract
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

    /**
     * A bad value of {@code field}: a 4xx problem with a code (the client has checked that the operation documents it),
     * not one that shows the body went unread; a 422 names that field and no other, so the rest of the body was valid.
     */
    private static void refused(Api.Res res, String field) {
        assertThat(res.status()).as("status of %s", res.raw()).isBetween(400, 499);
        assertThat(res.header("Content-Type")).as("type of %s", res.raw()).startsWith("application/problem+json");
        assertThat(res.code()).as("code of %s", res.raw()).isNotBlank().isNotIn(NOT_ABOUT_THE_BODY);
        if (res.code().equals("validation_failed")) {
            assertThat(Problems.fieldErrors(res)).as("errors of %s", res.raw()).isNotEmpty()
                    .allMatch(error -> error.startsWith(field + ":") || error.startsWith(field + ".")
                            || error.startsWith(field + "["));
        }
    }

    /**
     * What the requests need: a tenant with an owner, a shopper, and one object of this tenant for each kind of id a
     * path names, so that no answer is a 401 or 404 instead of one about the body.
     */
    private static final class World {
        final Api api;
        final StaffFixtures.Shop shop;
        final String ownerToken;
        final Fixtures.Shopper shopper;
        /** Of a second session of the shopper: a refresh that slipped through would not end the one the sweep uses. */
        final String refreshToken;
        final String anonymousRefreshToken;
        final String addressId;
        final String cartId;
        final String orderNumber;
        /** Created by the merchant for the admin routes, so their sweep leaves the shopper alone. */
        final String customerId;
        final String supportId;
        /** One webhook for the PATCH sweep, another for the secret's, whose rotations change it. */
        final String webhookId;
        final String rotatedWebhookId;
        /** Of an identity provider nobody answers for: every case is refused before the provider is called. */
        final String identityProviderId;

        World(Api api) {
            this.api = api;
            shop = StaffFixtures.shop(api);
            ownerToken = StaffFixtures.ownerToken(api, shop);
            shopper = Fixtures.shopper(api, shop.tenant());
            refreshToken = Fixtures.login(api, shop.tenant(), shopper.email(), shopper.password()).refreshToken();
            anonymousRefreshToken = api.post("/v1/anonymous").key(pk()).send().expect(201).str("refresh_token");
            addressId = Fixtures.address(api, shopper).path("id").asText();
            cartId = api.post("/v1/carts").as(shopper).send().expect(201).str("id");
            orderNumber = api.post("/v1/admin/orders").bearer(sk()).body(valid("POST /v1/admin/orders")).send()
                    .expect(201).str("number");
            customerId = api.post("/v1/admin/customers").bearer(sk())
                    .body(Map.of("email", Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD)).send().expect(201)
                    .str("id");
            supportId = api.post("/v1/admin/staff").bearer(sk())
                    .body(Map.of("email", Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD, "role", "support"))
                    .send().expect(201).str("id");
            webhookId = webhook();
            rotatedWebhookId = webhook();
            identityProviderId = api.post("/v1/admin/identity-providers").bearer(sk())
                    .body(valid("POST /v1/admin/identity-providers")).send().expect(201).str("id");
        }

        private String webhook() {
            return api.post("/v1/admin/webhooks").bearer(sk()).body(valid("POST /v1/admin/webhooks")).send()
                    .expect(201).str("id");
        }

        String pk() {
            return shop.tenant().pk();
        }

        String sk() {
            return shop.tenant().sk();
        }

        /** The path with real ids of this tenant in place of its parameters. */
        String path(String template) {
            String path = switch (template) {
                case "/v1/carts/{id}/items/{sku}" -> "/v1/carts/" + cartId + "/items/SWEEP-1";
                case "/v1/admin/orders/{number}" -> "/v1/admin/orders/" + orderNumber;
                case "/v1/me/addresses/{id}", "/v1/me/addresses/{id}/default" -> template.replace("{id}", addressId);
                case "/v1/admin/mail-templates/{template}/{language}" -> "/v1/admin/mail-templates/verify_email/en";
                case "/v1/admin/customers/{id}", "/v1/admin/customers/{id}/verification",
                     "/v1/admin/customers/{id}/password-reset", "/v1/admin/customers/{id}/tags" ->
                        template.replace("{id}", customerId);
                case "/v1/admin/staff/{id}", "/v1/admin/staff/{id}/password", "/v1/admin/staff/{id}/mfa" ->
                        template.replace("{id}", supportId);
                case "/v1/platform/tenants/{id}" -> template.replace("{id}", shop.id());
                case "/v1/admin/webhooks/{id}" -> template.replace("{id}", webhookId);
                case "/v1/admin/webhooks/{id}/secret" -> template.replace("{id}", rotatedWebhookId);
                case "/v1/admin/identity-providers/{id}" -> template.replace("{id}", identityProviderId);
                case "/v1/auth/oidc/{slug}/start", "/v1/auth/oidc/{slug}/callback" ->
                        template.replace("{slug}", "sweep");
                // the body is checked before the passkey is looked up
                case "/v1/me/passkeys/{id}" -> template.replace("{id}", "passkey_sweep");
                default -> template;
            };
            assertThat(path).as("a real id for each parameter of %s: add it to World.path", template)
                    .doesNotContain("{");
            return path;
        }

        /**
         * A body the operation accepts (or, for an emailed token, refuses only for the token), fresh for each case.
         * Each case spoils one property of it, so that a refusal can only be about that property. No operation needs
         * skipping: the ones that take an emailed token check every field before they look the token up.
         */
        Map<String, Object> valid(String operation) {
            return switch (operation) {
                case "POST /v1/platform/tenants" -> Bodies.of("id", Fixtures.uniqueId("t"), "name", "Sweep Shop",
                        "settings", Map.of("cart_merge_strategy", "merge"),
                        "owner", Map.of("email", Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD));
                case "PATCH /v1/admin/settings" -> Bodies.of("cart_merge_strategy", "merge");
                // the status the tenant has: a case the sweep lets through changes nothing the rest relies on
                case "PATCH /v1/platform/tenants/{id}" -> Bodies.of("status", "active");
                case "POST /v1/anonymous/refresh" -> Bodies.of("refresh_token", anonymousRefreshToken);
                case "POST /v1/customers" -> Bodies.of("email", Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD,
                        "password_confirmation", Fixtures.PASSWORD, "first_name", "Ada");
                case "POST /v1/auth/login" -> Bodies.of("email", shopper.email(), "password", shopper.password());
                case "POST /v1/auth/refresh" -> Bodies.of("refresh_token", refreshToken);
                case "PATCH /v1/me", "PATCH /v1/me/addresses/{id}", "PATCH /v1/admin/customers/{id}",
                     "POST /v1/admin/customers/{id}/verification", "POST /v1/admin/customers/{id}/password-reset" ->
                        Bodies.of();
                case "POST /v1/admin/customers/{id}/tags" -> Bodies.of("add", List.of("sweep"));
                case "PUT /v1/carts/{id}/items/{sku}" -> Bodies.of("quantity", 1);
                case "POST /v1/admin/orders" -> Bodies.of("number", Fixtures.uniqueId("R"), "email",
                        Fixtures.uniqueEmail(), "status", "paid", "currency", "EUR", "total", "19.99",
                        "lines", List.of(Map.of("sku", "SKU-1", "name", "Mug", "quantity", 1, "unit_price", "19.99")),
                        "placed_at", "2026-05-08T13:00:00Z");
                case "PATCH /v1/admin/orders/{number}" -> Bodies.of("status", "paid");
                case "POST /v1/me/addresses" -> Bodies.of("first_name", "Ada", "line1", "Unter den Linden 1",
                        "city", "Berlin", "postal_code", "10117", "country", "DE");
                case "POST /v1/me/addresses/{id}/default" -> Bodies.of("type", "shipping");
                case "POST /v1/me/agents" -> Bodies.of("name", "Shopping assistant", "scope", List.of("cart:read"),
                        "expires_in", 3600, "password", shopper.password());
                // no mailed token is needed: every field is checked before the token is looked up
                case "POST /v1/auth/verify-email" -> Bodies.of("token", fakeEmailedToken(), "email", shopper.email());
                case "POST /v1/auth/verify-email/resend", "POST /v1/auth/password/forgot", "POST /v1/auth/login/code" ->
                        Bodies.of("email", shopper.email());
                // a code of the right form: every field is checked before the account's code is looked at
                case "POST /v1/auth/login/code/verify" -> Bodies.of("email", shopper.email(), "code", "000000");
                case "POST /v1/auth/password/reset" -> Bodies.of("token", fakeEmailedToken(),
                        "new_password", NEW_PASSWORD, "new_password_confirmation", NEW_PASSWORD);
                case "POST /v1/auth/email/confirm" -> Bodies.of("token", fakeEmailedToken());
                // no login waits behind this token: every field is checked before it is looked up
                case "POST /v1/auth/mfa" -> Bodies.of("mfa_token", "mfa_" + "A".repeat(43), "code", "123456");
                case "POST /v1/me/mfa/totp" -> Bodies.of("password", shopper.password());
                case "POST /v1/me/mfa/totp/confirm" -> Bodies.of("code", "123456");
                case "POST /v1/me/mfa/disable", "POST /v1/me/mfa/recovery-codes" ->
                        Bodies.of("password", shopper.password(), "code", "123456");
                case "POST /v1/me/password", "POST /v1/admin/staff/password" ->
                        Bodies.of("current_password", Fixtures.PASSWORD, "new_password", NEW_PASSWORD);
                case "POST /v1/me/email" -> Bodies.of("new_email", Fixtures.uniqueEmail(), "password",
                        shopper.password());
                case "PUT /v1/admin/mail-templates/{template}/{language}" -> Bodies.of("subject", "Confirm your email",
                        "text", "Confirm your email: {{link}}", "html", "<p><a href=\"{{link}}\">Confirm</a></p>");
                case "POST /v1/admin/customers" -> Bodies.of("email", Fixtures.uniqueEmail(), "password",
                        Fixtures.PASSWORD, "first_name", "Grace", "status", "active");
                case "POST /v1/admin/api-keys" -> Bodies.of("kind", "secret", "scopes", List.of("view_customers"));
                case "POST /v1/admin/staff/login" -> Bodies.of("tenant_id", shop.id(), "email", shop.ownerEmail(),
                        "password", shop.ownerPassword());
                // no login waits behind this token: every field is checked before it is looked up
                case "POST /v1/admin/staff/login/mfa" -> Bodies.of("tenant_id", shop.id(), "mfa_token",
                        "mfa_" + "A".repeat(43), "code", "123456");
                case "POST /v1/admin/staff" -> Bodies.of("email", Fixtures.uniqueEmail(), "password",
                        Fixtures.PASSWORD, "role", "support");
                case "POST /v1/admin/staff/{id}/password" -> Bodies.of("new_password", NEW_PASSWORD);
                case "POST /v1/admin/identity-providers" -> Bodies.of("slug", "sweep", "display_name", "Sweep ID",
                        "issuer", "http://127.0.0.1:9/sweep", "client_id", "sweep", "client_secret", "s3cret");
                case "PATCH /v1/admin/identity-providers/{id}" -> Bodies.of();
                // the shop allows no origin: a body that gets past its fields is refused for it, before any call out
                case "POST /v1/auth/oidc/{slug}/start" -> Bodies.of("redirect_uri", "https://shop.example/cb");
                // no login waits behind this state: every field is checked before it is looked up
                case "POST /v1/auth/oidc/{slug}/callback" -> Bodies.of("state", "ost_" + "A".repeat(43),
                        "binding", "osb_" + "A".repeat(43), "code", "c");
                case "PATCH /v1/admin/staff/{id}" -> Bodies.of("role", "support");
                // a port nobody listens on: the sweep's customers are queued for it and never delivered
                case "POST /v1/admin/webhooks" -> Bodies.of("url", "http://127.0.0.1:9/hooks",
                        "events", List.of("customer.deleted"), "description", "Sweep");
                case "PATCH /v1/admin/webhooks/{id}", "POST /v1/admin/webhooks/{id}/secret" -> Bodies.of();
                // well-formed WebAuthn JSON that verifies nothing: every field is checked before any is decoded
                case "POST /v1/me/passkeys" -> Bodies.of("name", "Phone", "credential", credential(Map.of(
                        "clientDataJSON", "e30", "attestationObject", "oA", "transports", List.of("internal"))));
                case "PATCH /v1/me/passkeys/{id}" -> Bodies.of("name", "Laptop");
                case "POST /v1/auth/login/passkey/options" -> Bodies.of("email", shopper.email());
                case "POST /v1/auth/login/passkey" -> Bodies.of("challenge_id", "pkc_sweep", "credential",
                        credential(Map.of("clientDataJSON", "e30", "authenticatorData", "AAAA", "signature", "AAAA",
                                "userHandle", "AAAA")));
                default -> throw new AssertionError(operation + " takes a JSON body: give World.valid a body it "
                        + "accepts, for the sweep to spoil one property at a time");
            };
        }

        private static Map<String, Object> credential(Map<String, Object> response) {
            return Bodies.of("id", "AAAA", "rawId", "AAAA", "type", "public-key", "authenticatorAttachment",
                    "platform", "clientExtensionResults", Map.of(), "response", response);
        }

        private static String fakeEmailedToken() {
            return "et_" + "A".repeat(43);
        }

        /** The valid body with {@code field} (a dotted path for nested objects) set to {@code value}. */
        String with(String operation, String field, JsonNode value) {
            ObjectNode body = MAPPER.valueToTree(valid(operation));
            String[] names = field.split("\\.");
            ObjectNode parent = body;
            for (int i = 0; i < names.length - 1; i++) {
                parent = parent.withObjectProperty(names[i]);
            }
            parent.set(names[names.length - 1], value);
            return body.toString();
        }

        /** The field's valid text with a NUL in its middle: what a naive check lets through to the database. */
        String withNul(String operation, String field) {
            JsonNode value = MAPPER.valueToTree(valid(operation)).at("/" + field.replace('.', '/'));
            String text = value.isTextual() && value.asText().length() > 1 ? value.asText() : "text";
            return text.substring(0, text.length() / 2) + '\0' + text.substring(text.length() / 2);
        }

        Api.Res send(Operation op, String body) {
            return authorise(api.method(op.method(), path(op.template())), op.definition()).body(body).send();
        }

        /** The GET's answer, which must succeed: it also shows that the path's ids are real. */
        JsonNode read(String path, JsonNode get) {
            return authorise(api.get(path), get).send().expect(200).body();
        }

        /** The credentials of the operation's first security requirement. */
        private Api.Call authorise(Api.Call call, JsonNode operation) {
            JsonNode security = operation.has("security") ? operation.get("security") : DOCUMENT.path("security");
            if (security.isEmpty()) {
                return call;
            }
            security.get(0).fieldNames().forEachRemaining(scheme -> {
                switch (scheme) {
                    case "apiKey" -> call.key(pk());
                    case "bearer" -> call.bearer(shopper.accessToken());
                    case "secretKey" -> call.bearer(sk());
                    case "platformToken" -> call.bearer(TestServer.PLATFORM_TOKEN);
                    case "staffToken" -> call.bearer(ownerToken);
                    default -> throw new AssertionError("unknown security scheme " + scheme);
                }
            });
            return call;
        }
    }
}
