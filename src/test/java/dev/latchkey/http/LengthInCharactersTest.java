package dev.latchkey.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Problems;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A text's {@code maxLength} counts characters (code points), as JSON Schema does, not UTF-16 units: a field of as many
 * emoji as its limit (two units each) is taken and stored as sent on both databases, and one more is refused naming
 * the field.
 */
class LengthInCharactersTest extends ApiTest {
    /** One character outside the Basic Multilingual Plane: two UTF-16 units. */
    private static final String EMOJI = "\uD83D\uDE00";
    private final Fixtures.Tenant tenant = Fixtures.tenant(api);

    private static String emoji(int characters) {
        return EMOJI.repeat(characters);
    }

    private static Map<String, Object> with(Map<String, Object> body, String field, Object value) {
        Map<String, Object> changed = new HashMap<>(body);
        changed.put(field, value);
        return changed;
    }

    private Api.Res register(Map<String, Object> fields) {
        return api.post("/v1/customers").key(tenant.pk())
                .body(with(with(fields, "email", Fixtures.uniqueEmail()), "password", Fixtures.PASSWORD)).send();
    }

    @Test
    void registerWhenNamesAreEmojiUpToTheirLimitThenStoredIntactAndOneMoreRefused() {
        var shopper = Fixtures.shopper(api, tenant, Map.of("first_name", emoji(100), "last_name", emoji(100)));

        JsonNode me = api.get("/v1/me").as(shopper).send().expect(200).body();
        assertThat(me.path("first_name").asText()).isEqualTo(emoji(100));
        assertThat(me.path("last_name").asText()).isEqualTo(emoji(100));
        Problems.assertInvalid(register(Map.of("first_name", emoji(101))), "first_name", "too_long");
        Problems.assertInvalid(register(Map.of("last_name", emoji(101))), "last_name", "too_long");
    }

    @Test
    void updateProfileWhenTextIsEmojiUpToItsLimitThenStoredIntactAndOneMoreRefused() {
        var shopper = Fixtures.shopper(api, tenant);
        Map<String, Object> profile = Map.of("title", emoji(50), "company", emoji(200), "preferred_site", emoji(64));

        api.patch("/v1/me").as(shopper).body(profile).send().expect(200);

        JsonNode me = api.get("/v1/me").as(shopper).send().expect(200).body();
        profile.forEach((field, value) -> assertThat(me.path(field).asText()).as(field).isEqualTo(value));
        for (var field : List.of("title", "company", "preferred_site")) {
            int limit = ((String) profile.get(field)).length() / 2;
            Problems.assertInvalid(api.patch("/v1/me").as(shopper).body(Map.of(field, emoji(limit + 1))).send(),
                    field, "too_long");
        }
    }

    @Test
    void createAddressWhenLinesAreEmojiUpToTheirLimitThenStoredIntactAndOneMoreRefused() {
        var shopper = Fixtures.shopper(api, tenant);
        Map<String, Object> lines = Map.of("first_name", emoji(100), "company", emoji(200), "line1", emoji(200),
                "line2", emoji(200), "city", emoji(100), "region", emoji(100));

        String id = Fixtures.address(api, shopper, lines).path("id").asText();

        JsonNode stored = api.get("/v1/me/addresses/" + id).as(shopper).send().expect(200).body();
        lines.forEach((field, value) -> assertThat(stored.path(field).asText()).as(field).isEqualTo(value));
        var refused = api.post("/v1/me/addresses").as(shopper).body(Map.of("line1", emoji(201), "city", emoji(101),
                "country", "DE")).send();
        assertThat(Problems.fieldErrors(Problems.assertInvalid(refused, "line1", "too_long")))
                .contains("city:too_long");
    }

    @Test
    void createCustomerWhenTagAndNoteAreEmojiUpToTheirLimitThenStoredIntactAndOneMoreRefused() {
        Map<String, Object> body = Map.of("email", Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD,
                "tags", List.of(emoji(255)), "note", emoji(5000));

        String id = api.post("/v1/admin/customers").bearer(tenant.sk()).body(body).send().expect(201).str("id");

        JsonNode stored = api.get("/v1/admin/customers/" + id).bearer(tenant.sk()).send().expect(200).body();
        assertThat(stored.path("tags").get(0).asText()).isEqualTo(emoji(255));
        assertThat(stored.path("note").asText()).isEqualTo(emoji(5000));
        var tooLong = api.post("/v1/admin/customers").bearer(tenant.sk()).body(with(with(with(body,
                "email", Fixtures.uniqueEmail()), "tags", List.of(emoji(256))), "note", emoji(5001))).send();
        assertThat(Problems.fieldErrors(Problems.assertInvalid(tooLong, "tags", "too_long")))
                .contains("note:too_long");
        Problems.assertInvalid(api.post("/v1/admin/customers/" + id + "/tags").bearer(tenant.sk())
                .body(Map.of("add", List.of(emoji(256)))).send(), "add", "too_long");
    }

    @Test
    void createOrderWhenALineNameIsEmojiUpToItsLimitThenStoredIntactAndOneMoreRefused() {
        String number = Fixtures.uniqueId("R");
        Map<String, Object> line = Map.of("sku", "MUG-1", "name", emoji(200), "quantity", 1, "unit_price", "9.95");
        Map<String, Object> order = Map.of("number", number, "email", Fixtures.uniqueEmail(), "status", "paid",
                "currency", "EUR", "total", "9.95", "placed_at", "2026-05-08T13:00:00Z", "lines", List.of(line));

        api.post("/v1/admin/orders").bearer(tenant.sk()).body(order).send().expect(201);

        JsonNode stored = api.get("/v1/admin/orders/" + number).bearer(tenant.sk()).send().expect(200).body();
        assertThat(stored.path("lines").get(0).path("name").asText()).isEqualTo(emoji(200));
        var tooLong = with(with(order, "number", Fixtures.uniqueId("R")), "lines",
                List.of(with(line, "name", emoji(201))));
        Problems.assertInvalid(api.post("/v1/admin/orders").bearer(tenant.sk()).body(tooLong).send(),
                "lines[0].name", "too_long");
    }

    @Test
    void putMailTemplateWhenTheSubjectIsEmojiUpToItsLimitThenStoredIntactAndOneMoreRefused() {
        String path = "/v1/admin/mail-templates/password_reset/en";
        Map<String, Object> template = Map.of("subject", emoji(500), "text", "{{link}}", "html", "<p>{{link}}</p>");

        api.put(path).bearer(tenant.sk()).body(template).send().expect(200);

        assertThat(api.get(path).bearer(tenant.sk()).send().expect(200).str("subject")).isEqualTo(emoji(500));
        Problems.assertInvalid(api.put(path).bearer(tenant.sk()).body(with(template, "subject", emoji(501))).send(),
                "subject", "too_long");
    }

    @Test
    void namesOfTheShopAndItsKeysWhenEmojiUpToTheirLimitThenStoredIntactAndOneMoreRefused() {
        String id = Fixtures.uniqueId("t");
        Map<String, Object> shop = Map.of("id", id, "name", emoji(200));
        api.post("/v1/platform/tenants").bearer(TestServer.PLATFORM_TOKEN).body(shop).send().expect(201);
        assertThat(api.get("/v1/platform/tenants/" + id).bearer(TestServer.PLATFORM_TOKEN).send().expect(200)
                .str("name")).isEqualTo(emoji(200));
        Problems.assertInvalid(api.post("/v1/platform/tenants").bearer(TestServer.PLATFORM_TOKEN)
                .body(Map.of("id", Fixtures.uniqueId("t"), "name", emoji(201))).send(), "name", "too_long");

        Map<String, Object> key = Map.of("kind", "secret", "name", emoji(100));
        String keyId = api.post("/v1/admin/api-keys").bearer(tenant.sk()).body(key).send().expect(201).str("id");
        assertThat(api.get("/v1/admin/api-keys").bearer(tenant.sk()).send().expect(200).body().path("data"))
                .filteredOn(k -> k.path("id").asText().equals(keyId))
                .singleElement().satisfies(k -> assertThat(k.path("name").asText()).isEqualTo(emoji(100)));
        Problems.assertInvalid(api.post("/v1/admin/api-keys").bearer(tenant.sk())
                .body(with(key, "name", emoji(101))).send(), "name", "too_long");
    }

    @Test
    void searchCustomersWhenTheTermIsEmojiUpToItsLimitThenAnsweredAndOneMoreRefused() {
        var shopper = Fixtures.shopper(api, tenant, Map.of("first_name", emoji(100)));

        JsonNode found = search(emoji(100)).expect(200).body();
        assertThat(found.path("data")).extracting(c -> c.path("id").asText()).containsExactly(shopper.customerId());
        assertThat(search(emoji(254)).expect(200).body().path("data")).isEmpty();
        Problems.assertInvalid(search(emoji(255)), "query", "too_long");
    }

    private Api.Res search(String term) {
        return api.get("/v1/admin/customers?query=" + URLEncoder.encode(term, StandardCharsets.UTF_8))
                .bearer(tenant.sk()).send();
    }
}
