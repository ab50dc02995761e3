package dev.latchkey.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Problems;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin routes of identity providers: the secret is write-only (never answered, never recorded, stored
 * encrypted), what is refused with the field at fault, and another tenant's provider is not found.
 */
class IdentityProviderApiTest extends ApiTest {
    private static final String ISSUER = "http://127.0.0.1:9/realms/shop";
    private static final String SECRET = "the-client-secret-0123456789";

    private JsonNode create(Fixtures.Tenant tenant, String slug) {
        return api.post("/v1/admin/identity-providers").bearer(tenant.sk()).body(Map.of("slug", slug,
                "display_name", " Acme ID ", "issuer", ISSUER, "client_id", "shop-client", "client_secret", SECRET))
                .send().expect(201).body();
    }

    @Test
    void createReadListChangeDeleteWithoutEverShowingTheSecret() {
        var tenant = Fixtures.tenant(api);
        JsonNode created = create(tenant, "acme");
        String id = created.path("id").asText();
        assertThat(id).startsWith("idp_");
        assertThat(created.path("display_name").asText()).isEqualTo("Acme ID");
        assertThat(created.path("scopes")).extracting(JsonNode::asText).containsExactly("openid", "email", "profile");
        assertThat(created.path("enabled").asBoolean()).isTrue();
        assertThat(created.has("client_secret")).isFalse();
        assertThat(api.get("/v1/admin/identity-providers/" + id).bearer(tenant.sk()).send().expect(200).raw())
                .doesNotContain(SECRET);
        JsonNode listed = api.get("/v1/admin/identity-providers").bearer(tenant.sk()).send().expect(200).body();
        assertThat(listed.path("data")).hasSize(1);
        assertThat(listed.toString()).doesNotContain(SECRET);
        String stored = server.app.database().read(h -> h.createQuery("SELECT client_secret FROM identity_providers "
                + "WHERE tenant_id = :tenant").bind("tenant", tenant.id()).mapTo(String.class).one());
        assertThat(stored).startsWith("v1.").doesNotContain(SECRET);

        JsonNode changed = api.patch("/v1/admin/identity-providers/" + id).bearer(tenant.sk())
                .body(Map.of("scopes", List.of("openid", "email"), "client_secret", "another-secret", "enabled", false))
                .send().expect(200).body();
        assertThat(changed.path("scopes")).hasSize(2);
        assertThat(changed.path("enabled").asBoolean()).isFalse();
        JsonNode audit = api.get("/v1/admin/audit?type=identity_provider.updated").bearer(tenant.sk()).send()
                .expect(200).body().path("data").get(0);
        assertThat(audit.path("data").path("changed")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("client_secret", "scopes", "enabled");
        assertThat(api.get("/v1/admin/audit").bearer(tenant.sk()).send().expect(200).raw())
                .doesNotContain(SECRET).doesNotContain("another-secret");

        api.delete("/v1/admin/identity-providers/" + id).bearer(tenant.sk()).send().expect(204);
        api.get("/v1/admin/identity-providers/" + id).bearer(tenant.sk()).send().expect(404, "not_found");
    }

    @Test
    void anotherTenantsProviderIsNotFoundAndASlugIsUniqueInItsTenantOnly() {
        var tenant = Fixtures.tenant(api);
        var other = Fixtures.tenant(api);
        String id = create(tenant, "acme").path("id").asText();
        create(other, "acme");
        api.get("/v1/admin/identity-providers/" + id).bearer(other.sk()).send().expect(404, "not_found");
        api.patch("/v1/admin/identity-providers/" + id).bearer(other.sk()).body(Map.of("enabled", false)).send()
                .expect(404, "not_found");
        api.delete("/v1/admin/identity-providers/" + id).bearer(other.sk()).send().expect(404, "not_found");
        api.post("/v1/admin/identity-providers").bearer(tenant.sk()).body(Map.of("slug", "acme", "display_name",
                "Again", "issuer", ISSUER, "client_id", "c", "client_secret", "s")).send().expect(409, "slug_taken");
        String second = create(tenant, "second").path("id").asText();
        api.patch("/v1/admin/identity-providers/" + second).bearer(tenant.sk()).body(Map.of("slug", "acme")).send()
                .expect(409, "slug_taken");
        // the storefront's key is not the merchant's
        api.get("/v1/admin/identity-providers").bearer(tenant.pk()).send().expect(403, "insufficient_scope");
    }

    @Test
    void badFieldsAreRefusedWithTheFieldAtFault() {
        var tenant = Fixtures.tenant(api);
        Map<String, Map<String, Object>> cases = Map.of(
                "slug", Map.of("slug", "Not A Slug"),
                "issuer", Map.of("issuer", "ftp://idp.example"),
                "scopes", Map.of("scopes", List.of("email")),
                // twenty scopes of 100 characters each pass one by one, but not together (the column holds 1,000)
                "scopes ", Map.of("scopes", java.util.stream.IntStream.range(0, 20).mapToObj(i -> i == 0 ? "openid"
                        : (char) ('a' + i) + "x".repeat(99)).toList()),
                "client_secret", Map.of("client_secret", ""),
                // OAuth 2.0's client secret is printable ASCII (RFC 6749, appendix A.2)
                "client_secret ", Map.of("client_secret", "geheimer-schl\u00fcssel"),
                "colour", Map.of("colour", "blue"));
        cases.forEach((field, change) -> {
            var body = new java.util.HashMap<String, Object>(Map.of("slug", "ok", "display_name", "Acme",
                    "issuer", ISSUER, "client_id", "c", "client_secret", "s"));
            body.putAll(change);
            var res = api.post("/v1/admin/identity-providers").bearer(tenant.sk()).body(body).send()
                    .expect(422, "validation_failed");
            assertThat(Problems.fieldErrors(res)).as(field).allMatch(error -> error.startsWith(field.strip() + ":"));
        });
        api.post("/v1/admin/identity-providers").bearer(tenant.sk()).body(Map.of("slug", "x")).send()
                .expect(422, "validation_failed");
        assertThat(api.get("/v1/admin/identity-providers").bearer(tenant.sk()).send().expect(200).body()
                .path("data")).isEmpty();
    }

    @Test
    void createWhenEveryTextIsAtItsLimitThenStoredAsSent() {
        var tenant = Fixtures.tenant(api);
        String emoji = "\uD83D\uDE00"; // one character, two UTF-16 units
        JsonNode created = api.post("/v1/admin/identity-providers").bearer(tenant.sk()).body(Map.of("slug", "acme",
                "display_name", emoji.repeat(100), "issuer", ISSUER, "client_id", emoji.repeat(255),
                "client_secret", "s".repeat(1000))).send().expect(201).body();

        JsonNode read = api.get("/v1/admin/identity-providers/" + created.path("id").asText()).bearer(tenant.sk())
                .send().expect(200).body();
        assertThat(read.path("display_name").asText()).isEqualTo(emoji.repeat(100));
        assertThat(read.path("client_id").asText()).isEqualTo(emoji.repeat(255));
    }
}
