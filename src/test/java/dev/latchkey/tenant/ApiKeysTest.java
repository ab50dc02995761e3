package dev.latchkey.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Concurrently;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Problems;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The merchant's API keys: create, list, revoke. */
class ApiKeysTest extends ApiTest {
    private Api.Res create(String secretKey, Object body) {
        return api.post("/v1/admin/api-keys").bearer(secretKey).body(body).send();
    }

    private Api.Res revoke(String secretKey, String keyId) {
        return api.delete("/v1/admin/api-keys/" + keyId).bearer(secretKey).send();
    }

    private JsonNode keys(String secretKey) {
        return api.get("/v1/admin/api-keys?limit=100").bearer(secretKey).send().expect(200).body().path("data");
    }

    private static JsonNode byKind(JsonNode keys, String kind) {
        List<JsonNode> found = new ArrayList<>();
        keys.forEach(key -> {
            if (key.path("kind").asText().equals(kind)) {
                found.add(key);
            }
        });
        assertThat(found).hasSize(1);
        return found.getFirst();
    }

    private JsonNode events(String secretKey, String type) {
        return api.get("/v1/admin/audit?type=" + type).bearer(secretKey).send().expect(200).body().path("data");
    }

    @Test
    void createWhenSecretThenShownOnceAndWorksLikeTheFirst() {
        var tenant = Fixtures.tenant(api);

        var created = create(tenant.sk(), Map.of("kind", "secret")).expect(201);

        String key = created.str("key");
        assertThat(key).startsWith("sk_");
        assertThat(created.str("hint")).isEqualTo(key.substring(key.length() - 4));
        assertThat(created.str("kind")).isEqualTo("secret");
        api.get("/v1/admin/settings").bearer(key).send().expect(200);
        JsonNode listed = keys(tenant.sk());
        assertThat(listed).hasSize(3);
        assertThat(listed.get(0).path("id").asText()).isEqualTo(created.str("id"));
        assertThat(listed.toString()).doesNotContain(key).doesNotContain(tenant.sk()).doesNotContain(tenant.pk());
        JsonNode event = events(tenant.sk(), "api_key.created").get(0).path("data");
        assertThat(event.path("key_id").asText()).isEqualTo(created.str("id"));
        assertThat(event.toString()).doesNotContain(key);
    }

    @Test
    void createWhenPublishableThenTheStorefrontMayUseItButNotTheAdminRoutes() {
        var tenant = Fixtures.tenant(api);

        String key = create(tenant.sk(), Map.of("kind", "publishable")).expect(201).str("key");

        assertThat(key).startsWith("pk_");
        api.post("/v1/anonymous").key(key).send().expect(201);
        api.get("/v1/admin/api-keys").bearer(key).send().expect(403, "insufficient_scope");
    }

    @Test
    void createWhenKindMissingOrWrongThen422() {
        var tenant = Fixtures.tenant(api);
        Problems.assertInvalid(create(tenant.sk(), Map.of()), "kind", "required");
        Problems.assertInvalid(create(tenant.sk(), Map.of("kind", "admin")), "kind", "invalid");
        Problems.assertInvalid(create(tenant.sk(), Map.of("kind", 1)), "kind", "invalid_type");
        create(tenant.sk(), "{\"kind\": ").expect(400, "malformed_json");
        assertThat(keys(tenant.sk())).hasSize(2);
    }

    @Test
    void createWithANameThenListedByItAndABadNameIsRefusedWithNothingMade() {
        var tenant = Fixtures.tenant(api);
        var named = create(tenant.sk(), Map.of("kind", "secret", "name", "  ERP sync ")).expect(201);
        assertThat(named.str("name")).isEqualTo("ERP sync");
        assertThat(named.body().path("issued_by_operator").asBoolean()).isFalse();
        assertThat(keys(tenant.sk())).filteredOn(k -> k.path("id").asText().equals(named.str("id")))
                .singleElement().satisfies(k -> assertThat(k.path("name").asText()).isEqualTo("ERP sync"));
        assertThat(keys(tenant.sk())).filteredOn(k -> !k.path("id").asText().equals(named.str("id")))
                .allSatisfy(k -> assertThat(k.path("name").isNull()).isTrue());

        Problems.assertInvalid(create(tenant.sk(), Map.of("kind", "secret", "name", "x".repeat(101))), "name",
                "too_long");
        Problems.assertInvalid(create(tenant.sk(), Map.of("kind", "secret", "name", "ERP\nsync")), "name", "invalid");
        Problems.assertInvalid(create(tenant.sk(), Map.of("kind", "secret", "name", 7)), "name", "invalid_type");
        assertThat(keys(tenant.sk())).hasSize(3);
    }

    @Test
    void revokeWhenKeyWasJustUsedThenRefusedOnTheVeryNextRequest() {
        var tenant = Fixtures.tenant(api);
        String pkId = byKind(keys(tenant.sk()), "publishable").path("id").asText();
        String skId = byKind(keys(tenant.sk()), "secret").path("id").asText();
        String newSecret = create(tenant.sk(), Map.of("kind", "secret")).expect(201).str("key");
        api.post("/v1/anonymous").key(tenant.pk()).send().expect(201);
        api.get("/v1/admin/settings").bearer(tenant.sk()).send().expect(200);

        revoke(newSecret, pkId).expect(204);
        revoke(newSecret, skId).expect(204);

        api.post("/v1/anonymous").key(tenant.pk()).send().expect(401, "invalid_api_key");
        api.get("/v1/admin/settings").bearer(tenant.sk()).send().expect(401, "invalid_api_key");
        JsonNode listed = keys(newSecret);
        assertThat(listed).hasSize(3);
        assertThat(listed.get(0).path("revoked_at").isNull()).isTrue();
        assertThat(listed.get(1).path("revoked_at").isTextual()).isTrue();
        assertThat(listed.get(2).path("revoked_at").isTextual()).isTrue();
        assertThat(events(newSecret, "api_key.revoked")).hasSize(2);
        revoke(newSecret, skId).expect(204);
    }

    @Test
    void revokeWhenLastActiveSecretKeyThen409AndItStillWorks() {
        var tenant = Fixtures.tenant(api);
        String skId = byKind(keys(tenant.sk()), "secret").path("id").asText();

        revoke(tenant.sk(), skId).expect(409, "last_secret_key");

        api.get("/v1/admin/settings").bearer(tenant.sk()).send().expect(200);
        String second = create(tenant.sk(), Map.of("kind", "secret")).expect(201).str("key");
        String secondId = keys(tenant.sk()).get(0).path("id").asText();
        revoke(tenant.sk(), skId).expect(204);
        revoke(second, secondId).expect(409, "last_secret_key");
        String pkId = byKind(keys(second), "publishable").path("id").asText();
        revoke(second, pkId).expect(204);
    }

    @Test
    void revokeWhenTwoSecretKeysRevokeEachOtherAtOnceThenExactlyOneStays() {
        var tenant = Fixtures.tenant(api);
        String firstId = byKind(keys(tenant.sk()), "secret").path("id").asText();
        var second = create(tenant.sk(), Map.of("kind", "secret")).expect(201);
        List<String> callers = List.of(tenant.sk(), second.str("key"));
        List<String> targets = List.of(second.str("id"), firstId);
        var next = new AtomicInteger();

        List<Integer> statuses = Concurrently.statuses(2, () -> {
            int i = next.getAndIncrement();
            return revoke(callers.get(i), targets.get(i));
        });

        // The loser either waited for the winner's lock (409) or came after it and found its own key revoked (401).
        assertThat(statuses).containsOnlyOnce(204).hasSize(2);
        assertThat(statuses).anyMatch(status -> status == 409 || status == 401);
        List<Integer> usable = new ArrayList<>();
        for (String key : callers) {
            usable.add(api.get("/v1/admin/settings").bearer(key).send().status());
        }
        assertThat(usable).containsExactlyInAnyOrder(200, 401);
    }

    @Test
    void revokeWhenKeyOfAnotherTenantOrUnknownThen404AndItStillWorks() {
        var tenant = Fixtures.tenant(api);
        var other = Fixtures.tenant(api);
        create(other.sk(), Map.of("kind", "secret")).expect(201);
        String otherKeyId = byKind(keys(other.sk()), "publishable").path("id").asText();

        revoke(tenant.sk(), otherKeyId).expect(404, "not_found");
        revoke(tenant.sk(), "key_unknown").expect(404, "not_found");

        api.post("/v1/anonymous").key(other.pk()).send().expect(201);
    }

    @Test
    void listWhenPagedThenEveryKeyOnce() {
        var tenant = Fixtures.tenant(api);
        for (int i = 0; i < 3; i++) {
            create(tenant.sk(), Map.of("kind", i % 2 == 0 ? "secret" : "publishable")).expect(201);
        }
        List<String> ids = new ArrayList<>();
        String cursor = "";
        do {
            JsonNode page = api.get("/v1/admin/api-keys?limit=2" + cursor).bearer(tenant.sk()).send().expect(200)
                    .body();
            page.path("data").forEach(key -> ids.add(key.path("id").asText()));
            cursor = page.path("next_cursor").isNull() ? null : "&cursor=" + page.path("next_cursor").asText();
        } while (cursor != null);
        assertThat(ids).hasSize(5).doesNotHaveDuplicates();
        Problems.assertInvalid(api.get("/v1/admin/api-keys?limit=0").bearer(tenant.sk()).send(), "limit",
                "out_of_range");
    }
}
