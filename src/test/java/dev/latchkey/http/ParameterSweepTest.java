package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.DedicatedServer;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import static dev.latchkey.http.SweepWorld.DOCUMENT;
import static dev.latchkey.http.SweepWorld.resolve;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * A sweep over api/openapi.yaml's parameters, the sibling of {@link BadInputSweepTest}'s over bodies. Every documented
 * query parameter gets what a careless or hostile client sends: a value of the wrong type, out of range, oversized,
 * empty, given twice, holding NUL or a broken percent-escape, outside its enum, a forged cursor, a date that is none.
 * Every path parameter gets malformed ids, an unknown well-formed one and another tenant's real one, which must answer
 * as the unknown one does, change nothing of that tenant and show none of its data. Every operation gets a parameter
 * it does not know. The client checks each status and body against the contract, so an undocumented answer fails too.
 */
class ParameterSweepTest {
    @RegisterExtension
    static final DedicatedServer OWN = new DedicatedServer(environment());

    /** Longer than any limit, and than the request line the server reads (8 KiB): 414 before any route. */
    private static final int OVERSIZED = 20_000;
    /** Longer than any limit the contract names, within the request line: the route reads it and refuses it. */
    private static final int LONG = 4_000;
    /** Answers that show the request was turned away before its parameter was looked at. */
    private static final Set<String> NOT_ABOUT_THE_PARAMETER = Set.of("invalid_api_key", "insufficient_scope",
            "not_found", "method_not_allowed", "rate_limited");
    /** A string parameter whose description lets it be repeated (a list of names); {@code tag} is an array. */
    private static final Set<String> REPEATABLE = Set.of("expand");
    private static final String UNKNOWN = "sweep_unknown";

    private static SweepWorld world;
    private static SweepWorld otherTenant;

    private static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(SweepWorld.generousRateLimits());
        env.put("LATCHKEY_DEV_MAILBOX", "true"); // for its `to` to be swept too
        return env;
    }

    /** One operation, with its parameters (those of its path item included). */
    record Operation(String method, String template, JsonNode definition, List<Parameter> parameters) {
        String name() {
            return method + " " + template;
        }

        List<Parameter> in(String where) {
            return parameters.stream().filter(p -> p.in().equals(where)).toList();
        }

        boolean reads() {
            return method.equals("GET");
        }
    }

    /** A parameter, its resolved schema, and whether it reads as absent when given empty, as its description says. */
    record Parameter(String name, String in, JsonNode schema, boolean emptyIsAbsent) {
        boolean array() {
            return schema.path("type").asText().equals("array");
        }

        /** The schema of one value: that of the items, for an array. */
        JsonNode item() {
            return array() ? resolve(schema.path("items")) : schema;
        }
    }

    /**
     * One request of a case: its target (path and query, as they go on the wire), what its answer must be, and whether
     * that is a refusal, after which what the operation writes must read as it did before.
     */
    private record Case(String name, String target, Consumer<Api.Res> expectation, boolean refusal) {
        Case(String name, String target, Consumer<Api.Res> expectation) {
            this(name, target, expectation, false);
        }
    }

    @TestFactory
    List<DynamicContainer> queryParameterWhenHostileThenDocumented4xxNamingItOrAnAnswerWhenValid() {
        SweepWorld world = world();
        return operations().stream().filter(op -> !op.in("query").isEmpty())
                .map(op -> container(world, op, queryCases(world, op))).toList();
    }

    @TestFactory
    List<DynamicContainer> pathParameterWhenMalformedUnknownOrAnotherTenantsThenNotFoundAndNothingChanged() {
        SweepWorld world = world();
        return operations().stream().filter(op -> !op.in("path").isEmpty())
                .map(op -> pathSweep(world, otherTenant(), op)).toList();
    }

    @TestFactory
    List<DynamicContainer> unknownQueryParameterWhenGivenThenIgnoredUnlessMalformed() {
        SweepWorld world = world();
        return operations().stream().map(op -> container(world, op, unknownParameterCases(world, op))).toList();
    }

    @Test
    void sweepWhenContractWalkedThenKnownQueryAndPathParametersAreCovered() {
        Map<String, Operation> byName = new HashMap<>();
        operations().forEach(op -> byName.put(op.name(), op));
        // shared parameters under components/parameters, and the operation's own
        assertThat(names(byName.get("GET /v1/admin/customers").in("query")))
                .contains("query", "updated_since", "status", "tag", "accepts_marketing", "email_verified",
                        "marketing_state", "limit", "cursor");
        assertThat(names(byName.get("GET /v1/admin/audit").in("query"))).contains("type", "since", "until");
        assertThat(names(byName.get("GET /v1/admin/customers/{id}").in("query"))).containsExactly("expand");
        assertThat(names(byName.get("DELETE /v1/me").in("query"))).containsExactly("token");
        assertThat(names(byName.get("DELETE /v1/admin/customers/{id}/sessions/{sid}").in("path")))
                .containsExactlyInAnyOrder("id", "sid");
        assertThat(names(byName.get("PUT /v1/carts/{id}/items/{sku}").in("path"))).containsExactlyInAnyOrder("id",
                "sku");
        assertThat(byName.values().stream().filter(op -> !op.in("query").isEmpty()).count())
                .as("the operations with a query parameter when the sweep was written").isGreaterThanOrEqualTo(22);
        assertThat(byName.values().stream().filter(op -> !op.in("path").isEmpty()).count())
                .as("the operations with a path parameter when the sweep was written").isGreaterThanOrEqualTo(58);
        assertThat(byName.get("GET /v1/admin/orders").in("query").stream().filter(Parameter::emptyIsAbsent))
                .extracting(Parameter::name).containsExactlyInAnyOrder("limit", "cursor");
        // each case has a real object of the other tenant to try where the parameter names one
        SweepWorld world = world();
        SweepWorld other = otherTenant();
        assertThat(other.pathValue("/v1/admin/customers/{id}", "id")).startsWith("cus_")
                .isNotEqualTo(world.pathValue("/v1/admin/customers/{id}", "id"));
        // passkeys and identities too, which only a tenant allowing an origin can hold: the sweep tries them
        assertThat(other.passkeyId).startsWith("passkey_").isNotEqualTo(world.passkeyId);
        assertThat(other.identityId).startsWith("ident_").isNotEqualTo(world.identityId);
        assertThat(other.read("/v1/me/passkeys", get("/v1/me/passkeys")).path("data"))
                .extracting(p -> p.path("id").asText()).containsExactly(other.passkeyId);
        assertThat(other.read("/v1/me/identities", get("/v1/me/identities")).path("data"))
                .extracting(i -> i.path("id").asText()).containsExactly(other.identityId);
        Map<String, Map.Entry<String, String>> tried = Map.of(
                "PATCH /v1/me/passkeys/{id}", entry("id", other.passkeyId),
                "DELETE /v1/me/passkeys/{id}", entry("id", other.passkeyId),
                "DELETE /v1/admin/customers/{id}/passkeys/{pid}", entry("pid", other.passkeyId),
                "DELETE /v1/me/identities/{id}", entry("id", other.identityId),
                "DELETE /v1/admin/customers/{id}/identities/{iid}", entry("iid", other.identityId));
        tried.forEach((name, value) -> assertThat(otherTenantsValues(world, other, byName.get(name))).as(name)
                .contains(value));
        assertThat(queryCases(world, byName.get("GET /v1/admin/customers")))
                .as("the cases of the customers' list").hasSizeGreaterThanOrEqualTo(40);
    }

    private static List<String> names(List<Parameter> parameters) {
        return parameters.stream().map(Parameter::name).toList();
    }

    /** The tenant the sweeps send as, made once per server for the factories and the guard to share. */
    private static synchronized SweepWorld world() {
        if (world == null || world.api != OWN.api()) {
            world = new SweepWorld(OWN.api());
        }
        return world;
    }

    private static synchronized SweepWorld otherTenant() {
        if (otherTenant == null || otherTenant.api != OWN.api()) {
            otherTenant = SweepWorld.holdingAPasskeyAndAnIdentity(OWN.api(), OWN.server().clock);
        }
        return otherTenant;
    }

    // --- the walk over the contract ---

    private static List<Operation> operations() {
        List<Operation> operations = new ArrayList<>();
        DOCUMENT.path("paths").fields().forEachRemaining(path -> {
            JsonNode shared = path.getValue().path("parameters");
            path.getValue().fields().forEachRemaining(entry -> {
                if (entry.getKey().equals("parameters")) {
                    return;
                }
                List<Parameter> parameters = new ArrayList<>();
                for (JsonNode list : List.of(shared, entry.getValue().path("parameters"))) {
                    list.forEach(p -> {
                        JsonNode parameter = resolve(p);
                        parameters.add(new Parameter(parameter.path("name").asText(), parameter.path("in").asText(),
                                resolve(parameter.path("schema")),
                                parameter.path("description").asText().contains("as if absent")));
                    });
                }
                operations.add(new Operation(entry.getKey().toUpperCase(), path.getKey(), entry.getValue(),
                        parameters));
            });
        });
        return operations;
    }

    // --- query parameters ---

    private static List<Case> queryCases(SweepWorld world, Operation op) {
        String path = world.path(op.template());
        List<Case> cases = new ArrayList<>();
        if (op.reads()) {
            cases.add(new Case("no parameter", path, ParameterSweepTest::answered));
        }
        for (Parameter p : op.in("query")) {
            String name = p.name();
            Consumer<Api.Res> aboutIt = res -> refused(res, name);
            badValues(world, op, p).forEach((label, value) -> cases.add(new Case(name + " " + label,
                    path + "?" + name + "=" + value, aboutIt, true)));
            if (p.array()) {
                int most = p.schema().path("maxItems").asInt();
                StringBuilder many = new StringBuilder();
                for (int i = 0; i <= most; i++) {
                    many.append(i == 0 ? "" : "&").append(name).append("=").append(sample(p, i));
                }
                cases.add(new Case(name + " given " + (most + 1) + " times", path + "?" + many, aboutIt, true));
            }
            String twice = path + "?" + name + "=" + sample(p, 0) + "&" + name + "=" + sample(p, 1);
            boolean repeatable = p.array() || REPEATABLE.contains(name);
            cases.add(repeatable ? new Case(name + " given twice", twice, acceptedBy(op))
                    : new Case(name + " given twice", twice, aboutIt, true));
            // empty reads as absent where the parameter says so; elsewhere it may be refused, as what it is
            Consumer<Api.Res> empty = p.emptyIsAbsent() ? acceptedBy(op) : res -> answeredOrRefused(res, name);
            cases.add(new Case(name + " empty", path + "?" + name + "=", empty));
            cases.add(new Case(name + " without =", path + "?" + name, empty));
        }
        return cases;
    }

    /** The values the parameter must refuse, by what is wrong with them. */
    private static Map<String, String> badValues(SweepWorld world, Operation op, Parameter p) {
        String name = p.name();
        JsonNode item = p.item();
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put(OVERSIZED + " characters", "x".repeat(OVERSIZED));
        refused.put(LONG + " characters", "x".repeat(LONG));
        refused.put("NUL", "a%00b");
        refused.put("a malformed percent-escape", "%zz");
        refused.put("half a percent-escape", "a%4");
        refused.put("escaped bytes that are not UTF-8", "%C3%28");
        if (item.has("maxLength")) {
            refused.put(item.get("maxLength").asInt() + 1 + " characters",
                    "x".repeat(item.get("maxLength").asInt() + 1));
        }
        switch (item.path("type").asText()) {
            case "integer" -> {
                refused.put("text", "ten");
                refused.put("a fraction", "1.5");
                refused.put("negative", "-1");
                refused.put("zero", "0");
                refused.put("beyond the maximum", Integer.toString(item.path("maximum").asInt() + 1));
                refused.put("beyond 64 bits", "123456789012345678901234567890");
                refused.put("with a sign", "+5");
                refused.put("padded", "%205");
            }
            case "boolean" -> refused.put("text", "maybe");
            default -> {
            }
        }
        if (item.has("enum")) {
            refused.put("a number", "42");
            refused.put("a value outside the enum", "no_such_" + name);
            refused.put("an enum value in capitals", item.get("enum").get(0).asText().toUpperCase());
        }
        if (item.path("format").asText().equals("date-time")) {
            refused.put("a word", "yesterday");
            refused.put("a date alone", "2026-05-08");
            refused.put("seconds since 1970", "1778245200");
            refused.put("an impossible date", "2026-13-45T25:61:00Z");
            refused.put("no zone", "2026-05-08T13:00:00");
        }
        if (name.equals("cursor")) {
            refused.put("garbage", "garbage");
            refused.put("forged", "eyJhIjoxfQ"); // base64url of {"a":1}
            refused.put("of another list", anotherListsCursor(world, op));
        }
        return refused;
    }

    /** A valid value of the parameter; another one for each {@code i}, where it has several. */
    private static String sample(Parameter p, int i) {
        JsonNode schema = p.item();
        if (schema.has("enum")) {
            return schema.get("enum").get(i % schema.get("enum").size()).asText();
        }
        if (schema.path("type").asText().equals("integer")) {
            return Integer.toString(i + 1);
        }
        if (schema.path("type").asText().equals("boolean")) {
            return Boolean.toString(i % 2 == 0);
        }
        if (schema.path("format").asText().equals("date-time")) {
            return "2026-05-0" + (i + 1) + "T13:00:00Z";
        }
        return switch (p.name()) {
            case "expand" -> "addresses";
            case "to", "email" -> "sweep" + i + "@example.com";
            case "token" -> "del_" + Integer.toString(i).repeat(43); // no confirmation waits behind it
            case "cursor" -> i == 0 ? "" : "c" + i; // the first of two, empty, would read as no cursor at all
            default -> "sweep" + i;
        };
    }

    /** A real cursor of a list other than the operation's, where the tenant has one to give. */
    private static String anotherListsCursor(SweepWorld world, Operation op) {
        String other = op.template().equals("/v1/admin/webhooks") ? "/v1/admin/staff" : "/v1/admin/webhooks";
        JsonNode page = world.call("GET", other + "?limit=1", DOCUMENT.path("paths").path(other).path("get")).send()
                .expect(200).body();
        assertThat(page.path("next_cursor").isTextual()).as("%s has a second page", other).isTrue();
        return page.path("next_cursor").asText();
    }

    // --- path parameters ---

    private static DynamicContainer pathSweep(SweepWorld world, SweepWorld other, Operation op) {
        List<DynamicNode> tests = new ArrayList<>();
        for (Parameter p : op.in("path")) {
            String name = p.name();
            String real = world.pathValue(op.template(), name);
            String prefix = real.contains("_") ? real.substring(0, real.indexOf('_') + 1) : "";
            Map<String, String> malformed = new LinkedHashMap<>();
            malformed.put("of a wrong prefix", "zz_" + real.substring(prefix.length()));
            malformed.put("1,000 characters", real + "x".repeat(1_000 - real.length()));
            malformed.put("unicode", real + "%C3%A9");
            malformed.put("an emoji", real + "%F0%9F%94%91");
            malformed.put("an encoded slash", real + "%2F..%2F" + real);
            malformed.put("encoded dots", "%2E%2E");
            malformed.put("NUL", real + "%00");
            malformed.put("a space", real + "%20");
            malformed.put("unknown but well-formed", prefix + "Zz0123456789unknown");
            malformed.forEach((label, value) -> tests.add(test(op, new Case(name + " " + label,
                    world.path(op.template(), name, value), pathExpectation(op, p, label, value)), world)));
        }
        otherTenantsValues(world, other, op).forEach((name, theirs) ->
                tests.add(otherTenantsObject(world, other, op, name, theirs)));
        return DynamicContainer.dynamicContainer(op.name(), tests);
    }

    /** The path parameters of the operation that the other tenant has an object of its own for, and its value. */
    private static Map<String, String> otherTenantsValues(SweepWorld world, SweepWorld other, Operation op) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Parameter p : op.in("path")) {
            String theirs = other.pathValue(op.template(), p.name());
            // the operator's routes span the tenants; a value that is no object of a tenant is the same in both
            if (!theirs.equals(world.pathValue(op.template(), p.name())) && !operatorOnly(op)) {
                values.put(p.name(), theirs);
            }
        }
        return values;
    }

    /**
     * A path parameter names an object, and a value that names none of the caller's answers 404; one with a pattern
     * (a SKU) is a value the caller chooses, refused when it does not match and taken when it does. A NUL in a path is
     * refused as unreadable (400) before any route.
     */
    private static Consumer<Api.Res> pathExpectation(Operation op, Parameter p, String label, String value) {
        if (label.equals("NUL")) {
            return res -> res.expect(400, "bad_request");
        }
        String pattern = p.schema().path("pattern").asText(null);
        if (pattern == null) {
            return ParameterSweepTest::notFound;
        }
        boolean matches = Pattern.compile(pattern).matcher(value).find();
        return matches ? acceptedBy(op) : res -> refused(res, p.name());
    }

    private static boolean operatorOnly(Operation op) {
        return op.definition().path("security").toString().contains("platformToken");
    }

    /**
     * The other tenant's real object under this tenant's credentials: 404 as an unknown one, and the object as it was
     * (read with its own tenant's credentials, at the operation's path or the nearest one above it that reads).
     */
    private static DynamicTest otherTenantsObject(SweepWorld world, SweepWorld other, Operation op, String name,
                                                  String theirs) {
        String target = world.path(op.template(), name, theirs);
        return DynamicTest.dynamicTest(name + " of another tenant", () -> {
            Optional<String> reader = op.reads() ? Optional.empty() : readerOf(op.template());
            JsonNode before = reader.map(t -> other.read(other.path(t), get(t))).orElse(null);
            Api.Res res = send(world, op, target, name.equals("number") ? other.orderToken : world.orderToken);
            try {
                notFound(res);
                assertThat(res.raw()).as("answer to %s", target).doesNotContain(other.shop.id())
                        .doesNotContain(other.shopper.email());
                reader.ifPresent(t -> assertThat(other.read(other.path(t), get(t)))
                        .as("the other tenant's %s after the request", t).isEqualTo(before));
            } catch (AssertionError e) {
                throw new AssertionError(op.name() + ", " + name + " of another tenant: " + e.getMessage(), e);
            }
        });
    }

    /** The template of the nearest path at or above {@code template} that has a GET. */
    private static Optional<String> readerOf(String template) {
        for (String t = template; !t.isEmpty(); t = t.substring(0, t.lastIndexOf('/'))) {
            if (DOCUMENT.path("paths").path(t).has("get")) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private static JsonNode get(String template) {
        return DOCUMENT.path("paths").path(template).path("get");
    }

    // --- unknown parameters ---

    private static List<Case> unknownParameterCases(SweepWorld world, Operation op) {
        String path = world.path(op.template());
        List<Case> cases = new ArrayList<>();
        Consumer<Api.Res> aboutIt = res -> refused(res, UNKNOWN);
        if (op.reads()) {
            cases.add(new Case("an unknown parameter", path + "?" + UNKNOWN + "=1", ParameterSweepTest::answered));
        }
        // refused before the route runs, so that a write is not made either
        cases.add(new Case("an unknown parameter holding NUL", path + "?" + UNKNOWN + "=a%00b", aboutIt, true));
        cases.add(new Case("an unknown parameter with a malformed percent-escape", path + "?" + UNKNOWN + "=%zz",
                aboutIt, true));
        return cases;
    }

    // --- requests and expectations ---

    private static DynamicContainer container(SweepWorld world, Operation op, List<Case> cases) {
        return DynamicContainer.dynamicContainer(op.name(), cases.stream().map(c -> test(op, c, world)).toList());
    }

    /**
     * One request; a write refused must leave what it writes as it was (read at the operation's path or the nearest
     * one above it that reads). A failure names the operation and the case, as report lines of dynamic tests may not.
     */
    private static DynamicTest test(Operation op, Case c, SweepWorld world) {
        return DynamicTest.dynamicTest(c.name(), () -> {
            Optional<String> reader = c.refusal() && !op.reads() ? readerOf(op.template()) : Optional.empty();
            JsonNode before = reader.map(t -> world.read(world.path(t), get(t))).orElse(null);
            try {
                c.expectation().accept(send(world, op, c.target(), world.orderToken));
                reader.ifPresent(t -> assertThat(world.read(world.path(t), get(t)))
                        .as("GET %s after the request", t).isEqualTo(before));
            } catch (AssertionError e) {
                throw new AssertionError(op.name() + ", " + c.name() + ": " + e.getMessage(), e);
            }
        });
    }

    /**
     * The request with the world's credentials and, where the operation takes one, a body it accepts; a target that
     * {@link URI} refuses to build goes on the wire as it is.
     */
    private static Api.Res send(SweepWorld world, Operation op, String target, String orderToken) {
        Api.Call call = world.authorise(wellFormed(target) ? world.api.method(op.method(), target)
                : world.api.raw(op.method(), target), op.definition());
        if (op.parameters().stream().anyMatch(p -> p.name().equals("X-Order-Token"))) {
            call.header("X-Order-Token", orderToken);
        }
        byte[] body = body(world, op);
        if (body != null) {
            JsonNode content = resolve(op.definition().path("requestBody")).path("content");
            call.header("Content-Type", content.has("application/json") ? "application/json" : "text/csv")
                    .body(body);
            if (!wellFormed(target)) {
                call.header("Content-Length", Integer.toString(body.length));
            }
        }
        return call.send(); // the client has checked the answer against the contract
    }

    private static byte[] body(SweepWorld world, Operation op) {
        JsonNode content = resolve(op.definition().path("requestBody")).path("content");
        if (content.has("application/json")) {
            return Api.json(world.valid(op.name())).getBytes(StandardCharsets.UTF_8);
        }
        return content.has("text/csv") ? SweepWorld.importFile() : null;
    }

    private static boolean wellFormed(String target) {
        try {
            URI.create(target);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A value that is valid: the operation answers as it would without the parameter. */
    private static void answered(Api.Res res) {
        assertThat(res.status()).as("status of %s", res.raw()).isBetween(200, 299);
    }

    private static Consumer<Api.Res> acceptedBy(Operation op) {
        return op.reads() ? ParameterSweepTest::answered : ParameterSweepTest::noServerError;
    }

    private static void answeredOrRefused(Api.Res res, String name) {
        if (res.status() >= 300) {
            refused(res, name);
        }
    }

    private static void noServerError(Api.Res res) {
        assertThat(res.status()).as("status of %s", res.raw()).isBetween(200, 499);
    }

    /** An id that names nothing of the caller's tenant: 404 not_found, as for an unknown one. */
    private static void notFound(Api.Res res) {
        res.expect(404, "not_found");
    }

    /** A bad value of the parameter {@code name}; a 422 names it and no other. */
    private static void refused(Api.Res res, String name) {
        SweepWorld.refused(res, NOT_ABOUT_THE_PARAMETER, error -> error.startsWith(name + ":"));
    }
}
