package dev.latchkey.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.cluster.Invalidation;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Concurrently;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static dev.latchkey.testing.Problems.assertInvalid;
import static dev.latchkey.testing.Problems.assertInvalidField;
import static org.assertj.core.api.Assertions.assertThat;

class TenantSettingsTest extends ApiTest {

    private JsonNode settings(Fixtures.Tenant tenant) {
        return api.get("/v1/admin/settings").bearer(tenant.sk()).send().expect(200).body();
    }

    private Api.Res patch(Fixtures.Tenant tenant, Object body) {
        return api.patch("/v1/admin/settings").bearer(tenant.sk()).body(body).send();
    }

    @Test
    void patchWhenSeveralChangeDifferentFieldsAtOnceThenEveryChangeLands() {
        var tenant = Fixtures.tenant(api);
        List<Map<String, Object>> changes = List.of(Map.of("password_min_length", 20), Map.of("lockout_threshold", 5),
                Map.of("email_interval", 120), Map.of("refresh_reuse_grace", 30), Map.of("cart_merge_strategy", "keep"),
                Map.of("allowed_origins", List.of("https://race.example.com")));

        List<Api.Res> answers = Concurrently.all(changes.stream()
                .<Callable<Api.Res>>map(change -> () -> patch(tenant, change)).toList());

        assertThat(answers).extracting(Api.Res::status).containsOnly(200);
        JsonNode stored = settings(tenant);
        for (Map<String, Object> change : changes) {
            change.forEach((field, value) -> assertThat(stored.path(field).toString())
                    .as(field).isEqualTo(Api.json(value)));
        }
    }

    @Test
    void getWhenSecretKeyThenReturnsSettings() {
        var tenant = Fixtures.tenant(api, Map.of("lockout_threshold", 5));

        JsonNode settings = settings(tenant);

        assertThat(settings).isEqualTo(tenant.settings());
        assertThat(settings.path("lockout_threshold").asInt()).isEqualTo(5);
    }

    @Test
    void patchWhenValidThenChangesOnlyThoseSettingsAndPersists() {
        var tenant = Fixtures.tenant(api);

        JsonNode answer = patch(tenant, Map.of("access_token_ttl", 600, "require_email_verification", true,
                "cart_merge_strategy", "keep")).expect(200).body();

        assertThat(answer.path("access_token_ttl").asLong()).isEqualTo(600);
        assertThat(answer.path("require_email_verification").asBoolean()).isTrue();
        assertThat(answer.path("cart_merge_strategy").asText()).isEqualTo("keep");
        assertThat(answer.path("refresh_token_ttl").asLong()).isEqualTo(2592000);
        assertThat(settings(tenant)).isEqualTo(answer);
    }

    @Test
    void patchWhenPasswordMinLengthRaisedThenRegistrationHonoursItAtOnce() {
        var tenant = Fixtures.tenant(api);
        patch(tenant, Map.of("password_min_length", 20)).expect(200);

        assertInvalid(api.post("/v1/customers").key(tenant.pk())
                .body(Map.of("email", Fixtures.uniqueEmail(), "password", "nineteen-characters")).send(),
                "password", "too_short");
    }

    @Test
    void patchWhenPublishableKeyThenInsufficientScope() {
        var tenant = Fixtures.tenant(api);
        api.get("/v1/admin/settings").bearer(tenant.pk()).send().expect(403, "insufficient_scope");
        api.patch("/v1/admin/settings").bearer(tenant.pk()).body(Map.of("access_token_ttl", 120)).send()
                .expect(403, "insufficient_scope");

        assertThat(settings(tenant).path("access_token_ttl").asLong()).isEqualTo(86400);
    }

    @Test
    void getWhenKeyUnknownOrMissingThenInvalidApiKey() {
        api.get("/v1/admin/settings").bearer("sk_" + "A".repeat(43)).send().expect(401, "invalid_api_key");
        api.get("/v1/admin/settings").send().expect(401, "invalid_api_key");
        api.get("/v1/admin/settings").bearer("garbage").send().expect(401, "invalid_api_key");
    }

    @Test
    void getWhenSecretKeySentAsApiKeyHeaderThenInvalidApiKey() {
        var tenant = Fixtures.tenant(api);
        api.get("/v1/admin/settings").key(tenant.sk()).send().expect(401, "invalid_api_key");
    }

    @Test
    void patchWhenFieldUnknownThenValidationFailed() {
        var tenant = Fixtures.tenant(api);
        assertInvalidField(patch(tenant, Map.of("acess_token_ttl", 600)), "acess_token_ttl");
    }

    @Test
    void patchWhenTypeWrongThenInvalidType() {
        var tenant = Fixtures.tenant(api);
        assertInvalid(patch(tenant, Map.of("access_token_ttl", "600")), "access_token_ttl", "invalid_type");
        assertInvalid(patch(tenant, Map.of("require_activation", "yes")), "require_activation", "invalid_type");
        assertInvalid(patch(tenant, Map.of("refresh_reuse_grace", 1.5)), "refresh_reuse_grace", "invalid_type");
        assertInvalidField(patch(tenant, Map.of("cart_merge_strategy", "union")), "cart_merge_strategy");
    }

    @Test
    void patchWhenWholeNumberWrittenWithFractionZeroThenAccepted() {
        var tenant = Fixtures.tenant(api);
        assertThat(patch(tenant, Map.of("refresh_reuse_grace", 30.0)).expect(200).body()
                .path("refresh_reuse_grace").asLong()).isEqualTo(30);
        assertThat(settings(tenant).path("refresh_reuse_grace").isIntegralNumber()).isTrue();
        assertInvalid(patch(tenant, Map.of("refresh_reuse_grace", 1e300)), "refresh_reuse_grace", "invalid_type");
    }

    @Test
    void patchWhenOutOfRangeThenRefusedAndNothingChanged() {
        var tenant = Fixtures.tenant(api);
        JsonNode before = settings(tenant);

        assertInvalidField(patch(tenant, Map.of("access_token_ttl", 120, "password_min_length", 65)),
                "password_min_length");
        assertInvalidField(patch(tenant, Map.of("access_token_ttl", -5)), "access_token_ttl");
        assertInvalidField(patch(tenant, Map.of("password_min_length", 7)), "password_min_length");
        assertInvalidField(patch(tenant, Map.of("refresh_token_ttl", -1)), "refresh_token_ttl");
        // NIST SP 800-63B 5.2.2 allows at most 100 failed attempts in a row
        assertInvalidField(patch(tenant, Map.of("lockout_threshold", 101)), "lockout_threshold");
        patch(tenant, Map.of("lockout_threshold", 100)).expect(200);
        patch(tenant, Map.of("lockout_threshold", before.path("lockout_threshold").asInt())).expect(200);

        assertThat(settings(tenant)).isEqualTo(before);
    }

    /** A tenant that stored more failures before the limit was 100 counts as 100, and its other settings still change. */
    @Test
    void storedLockoutThresholdAboveTheLimitCountsAsTheLimit() {
        var tenant = Fixtures.tenant(api);
        server.app.database().tx(h -> h.createUpdate("UPDATE tenants SET settings = REPLACE(settings, "
                + "'\"lockout_threshold\":10,', '\"lockout_threshold\":1000,') WHERE id = :id")
                .bind("id", tenant.id()).execute());
        server.app.invalidations().publish(new Invalidation(Invalidation.Kind.TENANT, tenant.id(), ""));

        assertThat(settings(tenant).path("lockout_threshold").asInt()).isEqualTo(100);
        assertThat(patch(tenant, Map.of("email_interval", 30)).expect(200).body().path("lockout_threshold").asInt())
                .isEqualTo(100);
    }

    @Test
    void patchWhenAllowedOriginsValidThenStored() {
        var tenant = Fixtures.tenant(api);
        JsonNode answer = patch(tenant, Map.of("allowed_origins",
                List.of("https://shop.example.com", "http://localhost:3000"))).expect(200).body();

        assertThat(answer.path("allowed_origins")).extracting(JsonNode::asText)
                .containsExactly("https://shop.example.com", "http://localhost:3000");
        assertThat(settings(tenant).path("allowed_origins")).hasSize(2);
    }

    @Test
    void patchWhenAnOriginIsGivenTwiceInAnySpellingThenItIsKeptOnceWhereItFirstAppears() {
        var tenant = Fixtures.tenant(api);
        JsonNode answer = patch(tenant, Map.of("allowed_origins", List.of("https://shop.example.com",
                "http://localhost:3000", "HTTPS://Shop.Example.com:443", "https://shop.example.com/",
                "http://LOCALHOST:3000", "https://shop.example.com\u200b", "\u00a0https://shop.example.com\n")))
                .expect(200).body();

        assertThat(answer.path("allowed_origins")).extracting(JsonNode::asText)
                .containsExactly("https://shop.example.com", "http://localhost:3000");
        assertThat(settings(tenant).path("allowed_origins")).extracting(JsonNode::asText)
                .containsExactly("https://shop.example.com", "http://localhost:3000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://shop.example.com/path", "ftp://shop.example.com", "shop.example.com",
            "https://shop.example.com?x=1", "javascript:alert(1)", "*", "https://shop.example.com:99999",
            "https://shop.example.com:65536", "https://shop.example.com:0", "https://shop.example.com\u0000", "\u0001https://shop.example.com",
            "https://shop\u0085.example.com"})
    void patchWhenAllowedOriginInvalidThenRefusedAndNothingChanged(String origin) {
        var tenant = Fixtures.tenant(api);
        assertInvalidField(patch(tenant, Map.of("allowed_origins", List.of("https://ok.example.com", origin))),
                "allowed_origins");

        assertThat(settings(tenant).path("allowed_origins")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://shop.example.com", "http://10.0.0.5:8080", "http://localhost.example.com",
            "http://[2001:db8::1]", "http://127.attacker.example", "http://127.0.0.1.evil.example"})
    void patchWhenAPublicOriginIsPlainHttpThenRefusedAsInsecureAndNothingChanged(String origin) {
        var tenant = Fixtures.tenant(api);
        assertInvalid(patch(tenant, Map.of("allowed_origins", List.of("https://ok.example.com", origin))),
                "allowed_origins", "insecure");

        assertThat(settings(tenant).path("allowed_origins")).isEmpty();
    }

    /** Stored while plain http was still taken: kept, so the merchant can go on saving (the dashboard sends all). */
    @Test
    void patchWhenAPlainHttpOriginWasStoredBeforeThenItIsKeptAndOtherSettingsSave() {
        var tenant = Fixtures.tenant(api, Map.of("allowed_origins", List.of("https://shop.example.com")));
        server.app.database().run(h -> h.createUpdate("UPDATE tenants SET settings = REPLACE(settings, "
                        + "'\"https://shop.example.com\"', '\"http://legacy.example.com\"') WHERE id = :id")
                .bind("id", tenant.id()).execute());
        server.app.invalidations().publish(new dev.latchkey.cluster.Invalidation(
                dev.latchkey.cluster.Invalidation.Kind.TENANT, tenant.id(), ""));
        assertThat(settings(tenant).path("allowed_origins").get(0).asText()).isEqualTo("http://legacy.example.com");

        patch(tenant, Map.of("lockout_threshold", 7, "allowed_origins", List.of("http://legacy.example.com",
                "https://new.example.com"))).expect(200);

        assertThat(settings(tenant).path("allowed_origins")).extracting(JsonNode::asText)
                .containsExactly("http://legacy.example.com", "https://new.example.com");
        assertInvalid(patch(tenant, Map.of("allowed_origins", List.of("http://legacy.example.com",
                "http://other.example.com"))), "allowed_origins", "insecure");
    }

    @Test
    void patchWhenPlainHttpOriginIsOnThisMachineThenAccepted() {
        var tenant = Fixtures.tenant(api);
        List<String> local = List.of("http://localhost:3000", "http://shop.localhost", "http://127.0.0.1:8080",
                "http://[::1]:5173");

        assertThat(patch(tenant, Map.of("allowed_origins", local)).expect(200).body().path("allowed_origins"))
                .extracting(JsonNode::asText).containsExactlyElementsOf(local);
    }

    @Test
    void patchWhenOriginHostBeyondDnsSizesThenRefusedAndFiftyOfTheLongestFit() {
        var tenant = Fixtures.tenant(api);
        String label = "a".repeat(63);
        String longestHost = String.join(".", label, label, label, "b".repeat(61)); // 253 characters
        for (String host : new String[] {longestHost + "c", "a".repeat(64) + ".example.com"}) {
            assertInvalidField(patch(tenant, Map.of("allowed_origins", List.of("https://" + host))), "allowed_origins");
        }
        assertThat(settings(tenant).path("allowed_origins")).isEmpty();

        List<String> longest = new ArrayList<>();
        for (int i = 10_000; i < 10_050; i++) {
            longest.add("https://" + longestHost + ":" + i);
        }
        patch(tenant, Map.of("allowed_origins", longest)).expect(200);
        assertThat(settings(tenant).path("allowed_origins")).hasSize(50);
    }

    @Test
    void patchWhenAllowedOriginsNotAnArrayThenRefused() {
        var tenant = Fixtures.tenant(api);
        assertInvalidField(patch(tenant, Map.of("allowed_origins", "https://shop.example.com")), "allowed_origins");
        assertInvalidField(patch(tenant, Map.of("allowed_origins", List.of(5))), "allowed_origins");
    }

    @Test
    void patchWhenBodyMalformedThenBadRequest() {
        var tenant = Fixtures.tenant(api);
        patch(tenant, "{\"access_token_ttl\": ").expect(400, "malformed_json");
    }

    @Test
    void settingsWhenTwoTenantsThenEachKeySeesAndChangesOnlyItsOwn() {
        var a = Fixtures.tenant(api, Map.of("password_min_length", 10));
        var b = Fixtures.tenant(api, Map.of("password_min_length", 20));

        patch(a, Map.of("access_token_ttl", 300)).expect(200);

        assertThat(settings(a).path("password_min_length").asInt()).isEqualTo(10);
        assertThat(settings(a).path("access_token_ttl").asLong()).isEqualTo(300);
        assertThat(settings(b).path("password_min_length").asInt()).isEqualTo(20);
        assertThat(settings(b).path("access_token_ttl").asLong()).isEqualTo(86400);
    }
}
