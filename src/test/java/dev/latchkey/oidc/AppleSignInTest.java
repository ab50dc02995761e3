package dev.latchkey.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.FakeOidcProvider;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.LogCapture;
import dev.latchkey.testing.Problems;
import dev.latchkey.testing.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sign in with Apple's signing key in place of a client secret, against the fake OpenID provider: each token request
 * carries a client secret the server signed just then, by Apple's rules; what is refused on save is refused with the
 * field at fault and stores nothing; the private key is never answered, listed, recorded or logged.
 */
class AppleSignInTest extends ApiTest {
    private static final String ORIGIN = "https://shop.example";
    private static final String REDIRECT = ORIGIN + "/oidc/callback";
    private static final String TEAM = "TEAM123456";
    private static final String KEY_ID = "KEY1234567";

    @RegisterExtension
    static final FakeOidcProvider idp = FakeOidcProvider.perClass();

    private static String pem(KeyPair pair) {
        return TestKeys.pem(pair, "\n");
    }

    /** What of a key must never come out: its PEM's base64 (each line of it) and its DER's. */
    private static List<String> traces(KeyPair pair) {
        List<String> traces = new ArrayList<>(pem(pair).lines().filter(line -> !line.startsWith("-----")).toList());
        traces.add(Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
        traces.add(Base64.getUrlEncoder().withoutPadding().encodeToString(pair.getPrivate().getEncoded()));
        return traces;
    }

    private static void assertHoldsNoneOf(String text, List<String> traces) {
        for (String trace : traces) {
            assertThat(text).doesNotContain(trace);
        }
    }

    private Fixtures.Tenant shop() {
        return Fixtures.tenant(api, Map.of("allowed_origins", List.of(ORIGIN)));
    }

    private Map<String, Object> appleBody(Fixtures.Tenant tenant, KeyPair key) {
        Map<String, Object> body = new HashMap<>(Map.of("slug", "apple", "display_name", "Apple",
                "issuer", idp.issuer(), "client_id", "com.example." + tenant.id()));
        body.putAll(Map.of("apple_team_id", TEAM, "apple_key_id", KEY_ID, "apple_private_key", pem(key)));
        return body;
    }

    /** A new shopper's login through the tenant's provider {@code apple}: the client secret it sent. */
    private String login(Fixtures.Tenant tenant) {
        var start = api.post("/v1/auth/oidc/apple/start").key(tenant.pk()).body(Map.of("redirect_uri", REDIRECT))
                .send().expect(200);
        Map<String, String> query = FakeOidcProvider.query(start.str("authorization_url"));
        String idToken = idp.signEs256(idp.claims(query, "sub-" + UUID.randomUUID(), Fixtures.uniqueEmail(), true));
        api.post("/v1/auth/oidc/apple/callback").key(tenant.pk()).body(Map.of("state", start.str("state"),
                "binding", start.str("binding"), "code", idp.authorize(query, idToken))).send().expect(201);
        return idp.tokenRequests().getLast().clientSecret();
    }

    private JsonNode storedRow(Fixtures.Tenant tenant) {
        return server.app.database().read(h -> h.createQuery("SELECT client_secret, apple_team_id, apple_key_id, "
                        + "apple_private_key FROM identity_providers WHERE tenant_id = :tenant")
                .bind("tenant", tenant.id()).map((rs, ctx) -> {
                    var row = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
                    for (String column : List.of("client_secret", "apple_team_id", "apple_key_id",
                            "apple_private_key")) {
                        row.put(column, rs.getString(column));
                    }
                    return (JsonNode) row;
                }).one());
    }

    @Test
    void loginSendsAClientSecretSignedJustThenByApplesRules() throws Exception {
        var tenant = shop();
        KeyPair key = TestKeys.p256();
        try (var logs = LogCapture.all()) {
            JsonNode created = api.post("/v1/admin/identity-providers").bearer(tenant.sk())
                    .body(appleBody(tenant, key)).send().expect(201).body();
            assertThat(created.path("apple_team_id").asText()).isEqualTo(TEAM);
            assertThat(created.path("apple_key_id").asText()).isEqualTo(KEY_ID);
            assertThat(created.path("apple_private_key_set").asBoolean()).isTrue();
            assertThat(created.has("apple_private_key")).isFalse();
            assertThat(created.has("client_secret")).isFalse();
            JsonNode row = storedRow(tenant);
            assertThat(row.path("client_secret").isNull()).isTrue();
            assertThat(row.path("apple_private_key").asText()).startsWith("v1.");
            assertHoldsNoneOf(row.toString(), traces(key));

            long before = server.clock.instant().getEpochSecond();
            String secret = login(tenant);
            JsonNode claims = AppleClientSecretTest.verifiedClaims(secret, key.getPublic(), KEY_ID);
            long after = server.clock.instant().getEpochSecond();
            assertThat(claims.path("iss").asText()).isEqualTo(TEAM);
            assertThat(claims.path("sub").asText()).isEqualTo("com.example." + tenant.id());
            assertThat(claims.path("aud").asText()).isEqualTo("https://appleid.apple.com");
            assertThat(claims.path("iat").asLong()).isBetween(before, after);
            assertThat(claims.path("exp").asLong()).isEqualTo(claims.path("iat").asLong() + 300);

            // signed again for the next login, from the time it happens: not one kept past its lifetime
            server.clock.advance(AppleClientSecret.LIFETIME.plusMinutes(1));
            JsonNode later = AppleClientSecretTest.verifiedClaims(login(tenant), key.getPublic(), KEY_ID);
            assertThat(later.path("iat").asLong()).isGreaterThanOrEqualTo(before + 360);

            String listed = api.get("/v1/admin/identity-providers").bearer(tenant.sk()).send().expect(200).raw();
            assertThat(listed).contains("\"apple_private_key_set\":true");
            String audit = api.get("/v1/admin/audit").bearer(tenant.sk()).send().expect(200).raw();
            assertThat(audit).contains("identity_provider.created");
            for (String text : List.of(listed, audit, String.join("\n", logs.lines()))) {
                assertHoldsNoneOf(text, traces(key));
                assertThat(text).doesNotContain(secret);
            }
        }
    }

    @Test
    void badKeysIdsAndMixturesAreRefusedWithTheFieldAtFaultAndNothingIsStored() {
        var tenant = shop();
        KeyPair key = TestKeys.p256();
        String good = pem(key);
        Map<String, Map.Entry<String, Object>> cases = new LinkedHashMap<>();
        cases.put("apple_private_key", Map.entry("apple_private_key", "not a key"));
        cases.put("apple_private_key ", Map.entry("apple_private_key", pem(TestKeys.generate("RSA", null))));
        cases.put("apple_private_key  ", Map.entry("apple_private_key",
                pem(TestKeys.generate("EC", "secp384r1"))));
        cases.put("apple_private_key   ", Map.entry("apple_private_key", good.replace("PRIVATE", "EC PRIVATE")));
        cases.put("apple_private_key    ", Map.entry("apple_private_key", good + "x".repeat(1000)));
        cases.put("apple_private_key     ", Map.entry("apple_private_key", 42));
        cases.put("apple_team_id", Map.entry("apple_team_id", "team123456"));
        cases.put("apple_team_id ", Map.entry("apple_team_id", "TEAM12345"));
        cases.put("apple_team_id  ", Map.entry("apple_team_id", "TEAM1234567"));
        cases.put("apple_key_id", Map.entry("apple_key_id", "KEY-123456"));
        cases.put("apple_key_id ", Map.entry("apple_key_id", ""));
        try (var logs = LogCapture.all()) {
            cases.forEach((field, change) -> {
                Map<String, Object> body = appleBody(tenant, key);
                body.put(change.getKey(), change.getValue());
                var res = api.post("/v1/admin/identity-providers").bearer(tenant.sk()).body(body).send();
                Problems.assertInvalidField(res, field.strip());
                assertThat(Problems.fieldErrors(res)).as(field).allMatch(error -> error.startsWith(field.strip()));
                assertHoldsNoneOf(res.raw(), traces(key));
            });
            // a secret beside the key: each part of the key is out of place
            Map<String, Object> both = appleBody(tenant, key);
            both.put("client_secret", "a-static-secret");
            assertThat(Problems.fieldErrors(api.post("/v1/admin/identity-providers").bearer(tenant.sk()).body(both)
                    .send().expect(422, "validation_failed"))).containsExactlyInAnyOrder("apple_team_id:invalid",
                    "apple_key_id:invalid", "apple_private_key:invalid");
            // part of a key only
            for (String left : List.of("apple_team_id", "apple_key_id", "apple_private_key")) {
                Map<String, Object> body = appleBody(tenant, key);
                body.remove(left);
                Problems.assertInvalid(api.post("/v1/admin/identity-providers").bearer(tenant.sk()).body(body)
                        .send(), left, "required");
            }
            assertHoldsNoneOf(String.join("\n", logs.lines()), traces(key));
        }
        assertThat(api.get("/v1/admin/identity-providers").bearer(tenant.sk()).send().expect(200).body()
                .path("data")).isEmpty();
        assertThat(api.get("/v1/admin/audit?type=identity_provider.created").bearer(tenant.sk()).send().expect(200)
                .body().path("data")).isEmpty();
    }

    @Test
    void patchTurnsASecretIntoAKeyReplacesTheKeyAndTurnsBackWithoutEverShowingIt() throws Exception {
        var tenant = shop();
        String id = api.post("/v1/admin/identity-providers").bearer(tenant.sk()).body(Map.of("slug", "apple",
                "display_name", "Apple", "issuer", idp.issuer(), "client_id", "com.example." + tenant.id(),
                "client_secret", "the-old-static-secret")).send().expect(201).str("id");
        String path = "/v1/admin/identity-providers/" + id;
        KeyPair first = TestKeys.p256();
        KeyPair second = TestKeys.p256();
        try (var logs = LogCapture.all()) {
            // from a secret, the key comes whole: nothing changes otherwise
            Problems.assertInvalid(api.patch(path).bearer(tenant.sk()).body(Map.of("apple_private_key", pem(first)))
                    .send(), "apple_team_id", "required");
            Problems.assertInvalid(api.patch(path).bearer(tenant.sk()).body(Map.of("apple_private_key", pem(first),
                    "client_secret", "s")).send(), "apple_private_key", "invalid");
            assertThat(login(tenant)).isEqualTo("the-old-static-secret");

            JsonNode keyed = api.patch(path).bearer(tenant.sk()).body(Map.of("apple_team_id", TEAM,
                    "apple_key_id", KEY_ID, "apple_private_key", pem(first))).send().expect(200).body();
            assertThat(keyed.path("apple_private_key_set").asBoolean()).isTrue();
            assertThat(storedRow(tenant).path("client_secret").isNull()).isTrue();
            AppleClientSecretTest.verifiedClaims(login(tenant), first.getPublic(), KEY_ID);

            // the same key again changes nothing; a new one (and its id) replaces it
            api.patch(path).bearer(tenant.sk()).body(Map.of("apple_private_key", pem(first))).send().expect(200);
            JsonNode replaced = api.patch(path).bearer(tenant.sk()).body(Map.of("apple_key_id", "KEY7654321",
                    "apple_private_key", pem(second))).send().expect(200).body();
            assertThat(replaced.path("apple_key_id").asText()).isEqualTo("KEY7654321");
            assertThat(replaced.path("apple_team_id").asText()).isEqualTo(TEAM);
            AppleClientSecretTest.verifiedClaims(login(tenant), second.getPublic(), "KEY7654321");

            JsonNode back = api.patch(path).bearer(tenant.sk()).body(Map.of("client_secret", "a-new-static-secret"))
                    .send().expect(200).body();
            assertThat(back.path("apple_private_key_set").asBoolean()).isFalse();
            assertThat(back.path("apple_team_id").isNull()).isTrue();
            assertThat(back.path("apple_key_id").isNull()).isTrue();
            JsonNode row = storedRow(tenant);
            assertThat(row.path("apple_private_key").isNull()).isTrue();
            assertThat(row.path("apple_team_id").isNull()).isTrue();
            assertThat(login(tenant)).isEqualTo("a-new-static-secret");

            JsonNode updates = api.get("/v1/admin/audit?type=identity_provider.updated").bearer(tenant.sk()).send()
                    .expect(200).body().path("data");
            assertThat(updates).hasSize(3);
            List<List<String>> changed = new ArrayList<>();
            updates.forEach(event -> changed.add(toList(event.path("data").path("changed"))));
            assertThat(changed).containsExactlyInAnyOrder(
                    List.of("client_secret", "apple_team_id", "apple_key_id", "apple_private_key"),
                    List.of("apple_key_id", "apple_private_key"),
                    List.of("apple_team_id", "apple_key_id", "apple_private_key", "client_secret"));
            String audit = api.get("/v1/admin/audit").bearer(tenant.sk()).send().expect(200).raw();
            String read = api.get(path).bearer(tenant.sk()).send().expect(200).raw();
            for (String text : List.of(audit, read, String.join("\n", logs.lines()))) {
                assertHoldsNoneOf(text, traces(first));
                assertHoldsNoneOf(text, traces(second));
            }
        }
    }

    private static List<String> toList(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(item -> out.add(item.asText()));
        return out;
    }
}
