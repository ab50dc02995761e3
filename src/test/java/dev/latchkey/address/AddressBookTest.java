package dev.latchkey.address;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Concurrently;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class AddressBookTest extends ApiTest {
    private final Fixtures.Tenant tenant = Fixtures.tenant(api);
    private final Fixtures.Shopper shopper = Fixtures.shopper(api, tenant);

    @Test
    void createThenGetReturnsTheAddressAsStored() {
        var created = api.post("/v1/me/addresses").as(shopper).body(Map.ofEntries(
                Map.entry("first_name", " Ada "), Map.entry("last_name", "Lovelace"),
                Map.entry("company", "Analytical Engines Ltd"), Map.entry("line1", "10 Downing Street"),
                Map.entry("line2", "Flat 2"), Map.entry("city", "London"), Map.entry("region", "Greater London"),
                Map.entry("postal_code", "sw1a 2aa"), Map.entry("country", "gb"), Map.entry("phone", "+44 20 7946 0000"),
                Map.entry("tags", List.of("SHIPPING", "HOME", "SHIPPING")))).send().expect(201).body();

        assertThat(created.path("id").asText()).startsWith("adr_");
        assertThat(created.path("first_name").asText()).isEqualTo("Ada");
        assertThat(created.path("country").asText()).isEqualTo("GB");
        assertThat(created.path("postal_code").asText()).isEqualTo("SW1A 2AA");
        assertThat(created.path("tags")).extracting(JsonNode::asText).containsExactly("SHIPPING", "HOME");
        assertThat(created.path("is_default_shipping").asBoolean()).isFalse();
        assertThat(created.path("is_default_billing").asBoolean()).isFalse();
        assertThat(created.path("created_at")).isEqualTo(created.path("updated_at"));

        var read = api.get("/v1/me/addresses/" + created.path("id").asText()).as(shopper).send().expect(200).body();
        assertThat(read).isEqualTo(created);
    }

    @Test
    void createWhenOnlyRequiredFieldsThenOthersAreNull() {
        var created = api.post("/v1/me/addresses").as(shopper)
                .body(Map.of("line1", "1 Main St", "city", "Springfield", "country", "US")).send().expect(201).body();

        assertThat(created.path("postal_code").isNull()).isTrue();
        assertThat(created.path("first_name").isNull()).isTrue();
        assertThat(created.path("tags")).isEmpty();
    }

    @Test
    void createWhenTheBookHoldsTheSameAddressThenAddressExistsAndNothingIsAdded() {
        String existing = Fixtures.address(api, shopper, Map.of("tags", List.of("HOME"))).path("id").asText();

        var res = api.post("/v1/me/addresses").as(shopper).body(Map.of("first_name", " ADA", "last_name", "lovelace",
                "line1", "unter den linden 1 ", "city", "BERLIN", "postal_code", "10117", "country", "de",
                "tags", List.of("BILLING"))).send().expect(409, "address_exists");

        assertThat(res.str("detail")).contains(existing);
        assertThat(book()).containsExactly(existing);
        String other = Fixtures.address(api, shopper, Map.of("line2", "Hinterhaus")).path("id").asText();
        assertThat(book()).containsExactlyInAnyOrder(existing, other);
    }

    @Test
    void createWhenTheSameAddressConcurrentlyThenExactlyOneIsAdded() {
        List<Api.Res> answers = Concurrently.all(IntStream.range(0, 6)
                .<Callable<Api.Res>>mapToObj(i -> () -> api.post("/v1/me/addresses").as(shopper)
                        .body(Map.of("line1", "Jungfernstieg 7", "city", "Hamburg", "country", "DE")).send())
                .toList());

        assertThat(answers).extracting(Api.Res::status).containsOnly(201, 409).containsOnlyOnce(201);
        assertThat(answers).filteredOn(res -> res.status() == 409)
                .allSatisfy(res -> assertThat(res.str("code")).isEqualTo("address_exists"));
        assertThat(book()).hasSize(1);
    }

    @Test
    void patchWhenTheAddressWouldMatchAnotherThenAddressExistsAndNothingChanges() {
        String first = Fixtures.address(api, shopper).path("id").asText();
        var second = Fixtures.address(api, shopper, Map.of("line1", "Unter den Linden 2"));
        String id = second.path("id").asText();

        api.patch("/v1/me/addresses/" + id).as(shopper).body(Map.of("line1", "Unter den Linden 1")).send()
                .expect(409, "address_exists");

        assertThat(api.get("/v1/me/addresses/" + id).as(shopper).send().expect(200).body()).isEqualTo(second);
        var retagged = api.patch("/v1/me/addresses/" + first).as(shopper).body(Map.of("tags", List.of("SHIPPING")))
                .send().expect(200).body();
        assertThat(retagged.path("tags")).extracting(JsonNode::asText).containsExactly("SHIPPING");
    }

    @Test
    void listWhenSeveralThenOldestFirstInPages() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(Fixtures.address(api, shopper, Map.of("line1", "Street " + i)).path("id").asText());
            // times are kept to the millisecond: two addresses made within one would be ordered by their random ids
            server.clock.advance(Duration.ofMillis(2));
        }

        var first = api.get("/v1/me/addresses?limit=2").as(shopper).send().expect(200);
        var second = api.get("/v1/me/addresses?limit=2&cursor=" + first.str("next_cursor")).as(shopper).send()
                .expect(200);

        assertThat(first.body().path("data")).extracting(a -> a.path("id").asText()).containsExactly(ids.get(0), ids.get(1));
        assertThat(second.body().path("data")).extracting(a -> a.path("id").asText()).containsExactly(ids.get(2));
        assertThat(second.body().path("next_cursor").isNull()).isTrue();
    }

    @Test
    void patchChangesGivenFieldsClearsNullsAndKeepsTheRest() {
        var created = Fixtures.address(api, shopper, Map.of("line2", "Hinterhaus", "tags", List.of("HOME")));
        String id = created.path("id").asText();
        server.clock.advance(Duration.ofSeconds(2));

        var changed = api.patch("/v1/me/addresses/" + id).as(shopper)
                .body("{\"line2\": null, \"city\": \"Hamburg\", \"postal_code\": \"20095\", \"tags\": []}")
                .send().expect(200).body();

        assertThat(changed.path("line2").isNull()).isTrue();
        assertThat(changed.path("city").asText()).isEqualTo("Hamburg");
        assertThat(changed.path("postal_code").asText()).isEqualTo("20095");
        assertThat(changed.path("tags")).isEmpty();
        assertThat(changed.path("line1")).isEqualTo(created.path("line1"));
        assertThat(changed.path("created_at")).isEqualTo(created.path("created_at"));
        assertThat(Instant.parse(changed.path("updated_at").asText()))
                .isAfter(Instant.parse(created.path("updated_at").asText()));
        assertThat(api.get("/v1/me/addresses/" + id).as(shopper).send().expect(200).body()).isEqualTo(changed);
    }

    @Test
    void patchWhenDifferentFieldsConcurrentlyThenEveryChangeIsKept() {
        String id = Fixtures.address(api, shopper).path("id").asText();
        Map<String, String> changes = Map.of("first_name", "Grace", "last_name", "Hopper", "company", "Navy",
                "line2", "Hinterhaus", "region", "Mitte", "phone", "+49 30 123");
        for (int round = 0; round < 5; round++) {
            String suffix = String.valueOf(round);

            List<Api.Res> answers = Concurrently.all(changes.entrySet().stream()
                    .<Callable<Api.Res>>map(change -> () -> api.patch("/v1/me/addresses/" + id).as(shopper)
                            .body(Map.of(change.getKey(), change.getValue() + suffix)).send())
                    .toList());

            assertThat(answers).extracting(Api.Res::status).containsOnly(200);
            JsonNode after = api.get("/v1/me/addresses/" + id).as(shopper).send().expect(200).body();
            changes.forEach((field, value) -> assertThat(after.path(field).asText())
                    .as("%s after round %s: a concurrent PATCH of another field must not undo it", field, suffix)
                    .isEqualTo(value + suffix));
        }
    }

    @Test
    void patchWhenEmptyBodyThenNothingChanges() {
        var created = Fixtures.address(api, shopper);

        var same = api.patch("/v1/me/addresses/" + created.path("id").asText()).as(shopper).body(Map.of())
                .send().expect(200).body();

        assertThat(same).isEqualTo(created);
    }

    @Test
    void patchWhenEveryValueIsTheOneStoredThenNothingIsWritten() {
        var created = Fixtures.address(api, shopper, Map.of("tags", List.of("HOME")));
        server.clock.advance(Duration.ofMinutes(1));

        var same = api.patch("/v1/me/addresses/" + created.path("id").asText()).as(shopper)
                .body(Map.of("line1", " Unter den Linden 1 ", "country", "de", "tags", List.of("HOME"))).send()
                .expect(200).body();

        assertThat(same).isEqualTo(created);
        assertThat(api.get("/v1/me/addresses/" + created.path("id").asText()).as(shopper).send().expect(200).body()
                .path("updated_at")).isEqualTo(created.path("updated_at"));
    }

    @Test
    void patchWhenTheAddressAlreadyMatchedAnotherThenItsTagsMayStillChange() {
        String first = Fixtures.address(api, shopper).path("id").asText();
        String second = Fixtures.address(api, shopper, Map.of("line2", "Hinterhaus")).path("id").asText();
        // a book from before each address was held once
        server.app.database().tx(h -> h.execute("UPDATE addresses SET line2 = NULL WHERE tenant_id = ? AND id = ?",
                tenant.id(), second));

        var tagged = api.patch("/v1/me/addresses/" + second).as(shopper).body(Map.of("tags", List.of("BILLING")))
                .send().expect(200).body();
        assertThat(tagged.path("tags")).extracting(JsonNode::asText).containsExactly("BILLING");
        var moved = api.patch("/v1/me/addresses/" + second).as(shopper).body(Map.of("line1", "Unter den Linden 2"))
                .send().expect(200).body();
        assertThat(moved.path("line1").asText()).isEqualTo("Unter den Linden 2");

        var back = api.patch("/v1/me/addresses/" + second).as(shopper).body(Map.of("line1", "Unter den Linden 1"))
                .send().expect(409, "address_exists");
        assertThat(back.str("detail")).contains(first);
        assertThat(api.get("/v1/me/addresses/" + second).as(shopper).send().expect(200).body().path("line1").asText())
                .isEqualTo("Unter den Linden 2");
    }

    @Test
    void deleteThenTheAddressIsGone() {
        String id = Fixtures.address(api, shopper).path("id").asText();

        api.delete("/v1/me/addresses/" + id).as(shopper).send().expect(204);

        api.get("/v1/me/addresses/" + id).as(shopper).send().expect(404, "not_found");
        api.delete("/v1/me/addresses/" + id).as(shopper).send().expect(404, "not_found");
        assertThat(api.get("/v1/me/addresses").as(shopper).send().expect(200).body().path("data")).isEmpty();
    }

    @Test
    void defaultWhenSetPerKindThenAtMostOneOfEachAndMirroredInProfile() {
        String a = Fixtures.address(api, shopper).path("id").asText();
        String b = Fixtures.address(api, shopper, Map.of("line1", "Unter den Linden 2")).path("id").asText();

        var shipping = makeDefault(a, "shipping");
        assertThat(shipping.path("is_default_shipping").asBoolean()).isTrue();
        assertThat(shipping.path("is_default_billing").asBoolean()).isFalse();

        var billing = makeDefault(b, "billing");
        assertThat(billing.path("is_default_billing").asBoolean()).isTrue();
        assertDefaults(a, b);

        var both = makeDefault(b, "both");
        assertThat(both.path("is_default_shipping").asBoolean()).isTrue();
        assertThat(both.path("is_default_billing").asBoolean()).isTrue();
        assertDefaults(b, b);
        var formerDefault = api.get("/v1/me/addresses/" + a).as(shopper).send().expect(200).body();
        assertThat(formerDefault.path("is_default_shipping").asBoolean()).isFalse();
        assertThat(formerDefault.path("is_default_billing").asBoolean()).isFalse();
    }

    @Test
    void defaultWhenSetThenCustomerVersionMovesOn() {
        long before = me().path("version").asLong();
        makeDefault(Fixtures.address(api, shopper).path("id").asText(), "both");

        assertThat(me().path("version").asLong()).isGreaterThan(before);
    }

    @Test
    void deleteWhenDefaultThenTheDefaultIsCleared() {
        String a = Fixtures.address(api, shopper).path("id").asText();
        String b = Fixtures.address(api, shopper, Map.of("line1", "Unter den Linden 2")).path("id").asText();
        makeDefault(a, "shipping");
        makeDefault(b, "billing");

        api.delete("/v1/me/addresses/" + a).as(shopper).send().expect(204);
        assertDefaults(null, b);

        api.delete("/v1/me/addresses/" + b).as(shopper).send().expect(204);
        assertDefaults(null, null);
    }

    @Test
    void meWhenExpandAddressesThenTheBookIsIncluded() {
        String a = Fixtures.address(api, shopper).path("id").asText();
        String b = Fixtures.address(api, shopper, Map.of("line1", "Unter den Linden 2")).path("id").asText();
        makeDefault(b, "shipping");

        var expanded = api.get("/v1/me?expand=addresses").as(shopper).send().expect(200).body();

        assertThat(expanded.path("id").asText()).isEqualTo(shopper.customerId());
        // two addresses made within one millisecond may come in either order
        assertThat(expanded.path("addresses")).extracting(x -> x.path("id").asText()).containsExactlyInAnyOrder(a, b);
        expanded.path("addresses").forEach(address -> assertThat(address.path("is_default_shipping").asBoolean())
                .isEqualTo(address.path("id").asText().equals(b)));
        assertThat(me().has("addresses")).isFalse();
    }

    @Test
    void meWhenExpandUnknownThenValidationFailed() {
        var res = api.get("/v1/me?expand=addresses,orders").as(shopper).send().expect(422, "validation_failed");

        assertThat(res.body().path("errors").get(0).path("field").asText()).isEqualTo("expand");
    }

    @Test
    void addressesWhenAnonymousTokenThenInsufficientScope() {
        String anon = api.post("/v1/anonymous").key(tenant.pk()).send().expect(201).str("access_token");

        api.get("/v1/me/addresses").key(tenant.pk()).bearer(anon).send().expect(403, "insufficient_scope");
        api.post("/v1/me/addresses").key(tenant.pk()).bearer(anon).body(Map.of()).send()
                .expect(403, "insufficient_scope");
    }

    @Test
    void addressesWhenNoTokenThenInvalidToken() {
        api.get("/v1/me/addresses").key(tenant.pk()).send().expect(401, "invalid_token");
        api.get("/v1/me/addresses").bearer(shopper.accessToken()).send().expect(401, "invalid_api_key");
    }

    private JsonNode makeDefault(String id, String type) {
        return api.post("/v1/me/addresses/" + id + "/default").as(shopper).body(Map.of("type", type))
                .send().expect(200).body();
    }

    private JsonNode me() {
        return api.get("/v1/me").as(shopper).send().expect(200).body();
    }

    private List<String> book() {
        return api.get("/v1/me/addresses").as(shopper).send().expect(200).body().path("data").findValuesAsText("id");
    }

    private void assertDefaults(String shipping, String billing) {
        JsonNode me = me();
        assertThat(me.path("default_shipping_address_id").textValue()).isEqualTo(shipping);
        assertThat(me.path("default_billing_address_id").textValue()).isEqualTo(billing);
    }
}
