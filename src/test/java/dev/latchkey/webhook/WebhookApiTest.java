package dev.latchkey.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Bodies;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Problems;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin routes of webhooks: what they answer, what they refuse (with the field at fault), who may call them, and
 * that another tenant's webhook is not found. No receiver is needed: the webhooks point at a port nobody listens on.
 */
class WebhookApiTest extends ApiTest {
    private static final String NOBODY = "http://127.0.0.1:9/hooks";

    private JsonNode create(Fixtures.Tenant tenant, Map<String, Object> body) {
        return api.post("/v1/admin/webhooks").bearer(tenant.sk()).body(body).send().expect(201).body();
    }

    private JsonNode create(Fixtures.Tenant tenant) {
        return create(tenant, Map.of("url", NOBODY, "events", List.of("customer.deleted")));
    }

    @Test
    void createWhenValidThenTheSecretIsShownOnceAndTheWebhookIsListedWithoutIt() {
        var tenant = Fixtures.tenant(api);
        JsonNode created = create(tenant, Map.of("url", "  " + NOBODY + " ", "events",
                List.of("customer.created", "login.failed", "customer.created"), "description", " ERP sync "));

        assertThat(created.path("id").asText()).startsWith("whk_");
        assertThat(created.path("url").asText()).isEqualTo(NOBODY);
        assertThat(created.path("events")).extracting(JsonNode::asText).containsExactly("customer.created",
                "login.failed");
        assertThat(created.path("description").asText()).isEqualTo("ERP sync");
        assertThat(created.path("status").asText()).isEqualTo("active");
        assertThat(created.path("secret").asText()).matches("whsec_[A-Za-z0-9_-]{43}");
        String id = created.path("id").asText();
        var read = api.get("/v1/admin/webhooks/" + id).bearer(tenant.sk()).send().expect(200);
        assertThat(read.body().has("secret")).isFalse();
        assertThat(read.header("Cache-Control")).isEqualTo("no-store");
        var listed = api.get("/v1/admin/webhooks").bearer(tenant.sk()).send().expect(200).body().path("data");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("id").asText()).isEqualTo(id);
        assertThat(listed.toString()).doesNotContain(created.path("secret").asText());

        JsonNode recorded = api.get("/v1/admin/audit?type=webhook.created").bearer(tenant.sk()).send().expect(200)
                .body().path("data").get(0);
        assertThat(recorded.path("data").path("webhook_id").asText()).isEqualTo(id);
        assertThat(recorded.toString()).doesNotContain("whsec_").doesNotContain(NOBODY);
    }

    @Test
    void listWhenMoreThanAPageThenNewestFirstAcrossPages() {
        var tenant = Fixtures.tenant(api);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(create(tenant).path("id").asText());
        }
        Collections.reverse(ids);
        var first = api.get("/v1/admin/webhooks?limit=2").bearer(tenant.sk()).send().expect(200).body();
        var second = api.get("/v1/admin/webhooks?limit=2&cursor=" + first.path("next_cursor").asText())
                .bearer(tenant.sk()).send().expect(200).body();
        List<String> paged = new ArrayList<>();
        first.path("data").forEach(w -> paged.add(w.path("id").asText()));
        second.path("data").forEach(w -> paged.add(w.path("id").asText()));
        assertThat(paged).isEqualTo(ids);
        assertThat(second.path("next_cursor").isNull()).isTrue();
    }

    @Test
    void patchWhenFieldsGivenThenOnlyThoseChangeAndAChangeToNothingIsNotRecorded() {
        var tenant = Fixtures.tenant(api);
        String id = create(tenant, Map.of("url", NOBODY, "events", List.of("*"), "description", "old"))
                .path("id").asText();
        String path = "/v1/admin/webhooks/" + id;

        JsonNode changed = api.patch(path).bearer(tenant.sk())
                .body(Bodies.of("events", List.of("order.recorded"), "url", null)).send().expect(200).body();
        assertThat(changed.path("events")).extracting(JsonNode::asText).containsExactly("order.recorded");
        assertThat(changed.path("url").asText()).isEqualTo(NOBODY);
        assertThat(changed.path("description").asText()).isEqualTo("old");
        JsonNode cleared = api.patch(path).bearer(tenant.sk()).body(Bodies.of("description", null)).send()
                .expect(200).body();
        assertThat(cleared.path("description").isNull()).isTrue();
        JsonNode disabled = api.patch(path).bearer(tenant.sk()).body(Map.of("status", "disabled")).send().expect(200)
                .body();
        assertThat(disabled.path("disabled_reason").asText()).isEqualTo("merchant");

        JsonNode same = api.patch(path).bearer(tenant.sk()).body(Map.of("status", "disabled", "url", NOBODY))
                .send().expect(200).body();
        assertThat(same.path("updated_at")).isEqualTo(disabled.path("updated_at"));
        JsonNode updates = api.get("/v1/admin/audit?type=webhook.updated").bearer(tenant.sk()).send().expect(200)
                .body().path("data");
        assertThat(updates).hasSize(3);
        assertThat(updates.get(0).path("data").path("changed")).extracting(JsonNode::asText).containsExactly("status");
        assertThat(updates.get(0).path("data").path("status").asText()).isEqualTo("disabled");
    }

    @Test
    void deleteWhenDoneThenGoneAndRecorded() {
        var tenant = Fixtures.tenant(api);
        String id = create(tenant).path("id").asText();
        api.delete("/v1/admin/webhooks/" + id).bearer(tenant.sk()).send().expect(204);
        api.get("/v1/admin/webhooks/" + id).bearer(tenant.sk()).send().expect(404, "not_found");
        api.delete("/v1/admin/webhooks/" + id).bearer(tenant.sk()).send().expect(404, "not_found");
        assertThat(api.get("/v1/admin/audit?type=webhook.deleted").bearer(tenant.sk()).send().expect(200).body()
                .path("data").get(0).path("data").path("webhook_id").asText()).isEqualTo(id);
    }

    @Test
    void anotherTenantsWebhookWhenNamedThen404AndNothingChanges() {
        var tenant = Fixtures.tenant(api);
        var other = Fixtures.tenant(api);
        String id = create(tenant).path("id").asText();
        String path = "/v1/admin/webhooks/" + id;
        api.get(path).bearer(other.sk()).send().expect(404, "not_found");
        api.patch(path).bearer(other.sk()).body(Map.of("status", "disabled")).send().expect(404, "not_found");
        api.delete(path).bearer(other.sk()).send().expect(404, "not_found");
        api.post(path + "/secret").bearer(other.sk()).send().expect(404, "not_found");
        api.get(path + "/deliveries").bearer(other.sk()).send().expect(404, "not_found");
        api.get("/v1/admin/webhooks/whk_unknown").bearer(tenant.sk()).send().expect(404, "not_found");
        api.get("/v1/admin/webhooks/..").bearer(tenant.sk()).send().expect(404, "not_found");
        assertThat(api.get("/v1/admin/webhooks").bearer(other.sk()).send().expect(200).body().path("data")).isEmpty();

        JsonNode intact = api.get(path).bearer(tenant.sk()).send().expect(200).body();
        assertThat(intact.path("status").asText()).isEqualTo("active");
        assertThat(api.get("/v1/admin/audit?type=webhook.secret_rotated").bearer(tenant.sk()).send().expect(200)
                .body().path("data")).isEmpty();
    }

    @Test
    void supportStaffWhenCallingThen403ButAnOwnerMay() {
        var shop = StaffFixtures.shop(api);
        String support = StaffFixtures.supportToken(api, shop);
        String owner = StaffFixtures.ownerToken(api, shop);
        api.get("/v1/admin/webhooks").bearer(support).send().expect(403, "insufficient_scope");
        api.post("/v1/admin/webhooks").bearer(support).body(Map.of("url", NOBODY, "events", List.of("*"))).send()
                .expect(403, "insufficient_scope");
        api.get("/v1/admin/webhooks").bearer(shop.tenant().pk()).send().expect(403, "insufficient_scope");
        api.post("/v1/admin/webhooks").bearer(owner).body(Map.of("url", NOBODY, "events", List.of("*"))).send()
                .expect(201);
        assertThat(api.get("/v1/admin/audit?type=webhook.created").bearer(owner).send().expect(200).body()
                .path("data").get(0).path("staff_id").asText()).isEqualTo(shop.ownerId());
    }

    @Test
    void createWhenBodyIsBadThenProblemNamingEachFieldAndNothingIsStored() {
        var tenant = Fixtures.tenant(api);
        String webhooks = "/v1/admin/webhooks";
        api.post(webhooks).bearer(tenant.sk()).body("{\"url\": ").send().expect(400, "malformed_json");
        api.post(webhooks).bearer(tenant.sk()).body("[]").send().expect(400, "malformed_json");
        assertThat(Problems.fieldErrors(api.post(webhooks).bearer(tenant.sk()).body(Map.of()).send()
                .expect(422, "validation_failed"))).containsExactly("url:required", "events:required");
        assertThat(Problems.fieldErrors(api.post(webhooks).bearer(tenant.sk())
                .body(Map.of("url", 42, "events", "customer.created", "description", List.of("x"))).send()
                .expect(422, "validation_failed")))
                .containsExactly("url:invalid_type", "events:invalid_type", "description:invalid_type");
        Problems.assertInvalid(api.post(webhooks).bearer(tenant.sk())
                .body(Map.of("url", NOBODY, "events", List.of("customer.created", "customer.exploded"))).send(),
                "events", "invalid");
        assertThat(Problems.fieldErrors(api.post(webhooks).bearer(tenant.sk())
                .body(Map.of("url", "ftp://127.0.0.1/hooks", "events", List.of("customer.exploded"))).send()
                .expect(422, "validation_failed"))).containsExactly("url:insecure", "events:invalid");
        Problems.assertInvalid(api.post(webhooks).bearer(tenant.sk())
                .body(Map.of("url", NOBODY, "events", List.of("*", "customer.created"))).send(), "events", "invalid");
        Problems.assertInvalid(api.post(webhooks).bearer(tenant.sk())
                .body(Map.of("url", NOBODY, "events", List.of())).send(), "events", "too_short");
        Problems.assertInvalid(api.post(webhooks).bearer(tenant.sk())
                .body(Map.of("url", NOBODY, "events", List.of(7))).send(), "events", "invalid_type");
        Problems.assertInvalid(api.post(webhooks).bearer(tenant.sk())
                .body(Map.of("url", "http://127.0.0.1/" + "a".repeat(2048), "events", List.of("*"))).send(),
                "url", "too_long");
        Problems.assertInvalid(api.post(webhooks).bearer(tenant.sk())
                .body(Map.of("url", NOBODY, "events", List.of("*"), "description", "d".repeat(256))).send(),
                "description", "too_long");
        Problems.assertInvalid(api.post(webhooks).bearer(tenant.sk())
                .body(Map.of("url", NOBODY, "events", List.of("*"), "description", "two\nlines")).send(),
                "description", "invalid");
        for (String url : List.of("not a url", "/relative/path", "ftp://127.0.0.1/hooks", "mailto:shop@example.com",
                "http://user:secret@127.0.0.1/hooks", "http://127.0.0.1/hooks#part", "http://bücher.example/hooks")) {
            var refused = api.post(webhooks).bearer(tenant.sk()).body(Map.of("url", url, "events", List.of("*")))
                    .send();
            assertThat(Problems.fieldErrors(refused.expect(422, "validation_failed"))).as(url)
                    .hasSize(1).allMatch(error -> error.startsWith("url:"));
            assertThat(refused.raw()).doesNotContain("secret@");
        }
        assertThat(api.get(webhooks).bearer(tenant.sk()).send().expect(200).body().path("data")).isEmpty();
        assertThat(api.get("/v1/admin/audit?type=webhook.created").bearer(tenant.sk()).send().expect(200).body()
                .path("data")).isEmpty();
    }

    @Test
    void patchOrRotateWhenBodyIsBadThen422AndTheWebhookIsAsItWas() {
        var tenant = Fixtures.tenant(api);
        JsonNode created = create(tenant);
        String path = "/v1/admin/webhooks/" + created.path("id").asText();
        Problems.assertInvalid(api.patch(path).bearer(tenant.sk()).body(Map.of("status", "paused")).send(),
                "status", "invalid");
        Problems.assertInvalid(api.patch(path).bearer(tenant.sk()).body(Map.of("secret", "whsec_mine")).send(),
                "secret", "read_only");
        Problems.assertInvalid(api.patch(path).bearer(tenant.sk()).body(Map.of("events", List.of("nope"))).send(),
                "events", "invalid");
        Problems.assertInvalid(api.patch(path).bearer(tenant.sk()).body(Map.of("url", "ftp://x/")).send(),
                "url", "insecure");
        Problems.assertInvalid(api.patch(path).bearer(tenant.sk()).body(Map.of("url", " ")).send(),
                "url", "required");
        // a misspelt overlap must not end the old secret at once
        Problems.assertInvalid(api.post(path + "/secret").bearer(tenant.sk())
                .body(Map.of("previous_secret_tll", 3600)).send(), "previous_secret_tll", "unknown_field");
        Problems.assertInvalid(api.post(path + "/secret").bearer(tenant.sk())
                .body(Map.of("previous_secret_ttl", 86_401)).send(), "previous_secret_ttl", "out_of_range");
        Problems.assertInvalid(api.post(path + "/secret").bearer(tenant.sk())
                .body(Map.of("previous_secret_ttl", "60")).send(), "previous_secret_ttl", "invalid_type");
        api.post(path + "/secret").bearer(tenant.sk()).body("{").send().expect(400, "malformed_json");

        JsonNode after = api.get(path).bearer(tenant.sk()).send().expect(200).body();
        created.fieldNames().forEachRemaining(field -> {
            if (!field.equals("secret")) {
                assertThat(after.path(field)).as(field).isEqualTo(created.path(field));
            }
        });
    }

    @Test
    void createWhenTheTenantHasTwentyThen422() {
        var tenant = Fixtures.tenant(api);
        for (int i = 0; i < WebhookService.MAX_PER_TENANT; i++) {
            create(tenant);
        }
        api.post("/v1/admin/webhooks").bearer(tenant.sk()).body(Map.of("url", NOBODY, "events", List.of("*")))
                .send().expect(422, "webhook_limit_reached");
    }

    @Test
    void deliveriesWhenNoneYetThenAnEmptyPage() {
        var tenant = Fixtures.tenant(api);
        String id = create(tenant).path("id").asText();
        var page = api.get("/v1/admin/webhooks/" + id + "/deliveries").bearer(tenant.sk()).send().expect(200).body();
        assertThat(page.path("data")).isEmpty();
        assertThat(page.path("next_cursor").isNull()).isTrue();
        Problems.assertInvalid(api.get("/v1/admin/webhooks/" + id + "/deliveries?limit=0").bearer(tenant.sk())
                .send(), "limit", "out_of_range");
    }
}
