package dev.latchkey.address;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class AddressValidationTest extends ApiTest {
    private final Fixtures.Tenant tenant = Fixtures.tenant(api);
    private final Fixtures.Shopper shopper = Fixtures.shopper(api, tenant);

    @Test
    void createWhenMalformedJsonThenBadRequest() {
        api.post("/v1/me/addresses").as(shopper).body("{\"line1\": ").send().expect(400, "malformed_json");
        api.post("/v1/me/addresses").as(shopper).body("[]").send().expect(400, "malformed_json");
        assertBookSize(0);
    }

    @Test
    void createWhenRequiredFieldsMissingThenEachIsNamed() {
        var res = api.post("/v1/me/addresses").as(shopper).body("{\"line1\": \"  \", \"city\": null}").send()
                .expect(422, "validation_failed");

        assertThat(errors(res)).containsExactlyInAnyOrder("line1:required", "city:required", "country:required");
        assertBookSize(0);
    }

    @Test
    void createWhenFieldsHoldOnlyNoBreakOrZeroWidthSpacesThenRequiredAndTextIsTrimmedOfThem() {
        var res = api.post("/v1/me/addresses").as(shopper)
                .body("{\"line1\": \"\\u00a0\", \"city\": \"\\u200b\\u2007\", \"country\": \"\\u202f\"}").send()
                .expect(422, "validation_failed");
        assertThat(errors(res)).containsExactlyInAnyOrder("line1:required", "city:required", "country:required");
        assertBookSize(0);

        JsonNode stored = api.post("/v1/me/addresses").as(shopper)
                .body("{\"line1\": \"\\u2003Main Street 1\\u00a0\", \"city\": \"\\ufeffBerlin\\u200b\", "
                        + "\"country\": \"DE\"}").send().expect(201).body();
        assertThat(stored.path("line1").asText()).isEqualTo("Main Street 1");
        assertThat(stored.path("city").asText()).isEqualTo("Berlin");
    }

    @ParameterizedTest
    @CsvSource({"XX", "Germany", "DEU", "D", "EU"})
    void createWhenCountryNotIso3166Alpha2ThenInvalid(String country) {
        var res = create(Map.of("country", country, "postal_code", "12345")).expect(422, "validation_failed");

        assertThat(errors(res)).containsExactly("country:invalid");
    }

    @ParameterizedTest
    @CsvSource({"DE, 1234", "DE, 101155", "US, 9410", "US, 94103-12", "GB, 12345", "GB, SW1A1AAA", "FR, 7500A",
            "NL, 0123 AB", "NL, 1234 A", "CA, D1A 0B1", "CA, K1A 0B", "JP, 12-34567", "JP, 1000", "AT, 10100",
            "PL, 00950", "IE, <b>", "IE, A", "US, 94103_1234"})
    void createWhenPostalCodeDoesNotFitTheCountryThenInvalid(String country, String postalCode) {
        var res = create(Map.of("country", country, "postal_code", postalCode)).expect(422, "validation_failed");

        assertThat(errors(res)).containsExactly("postal_code:invalid");
        assertBookSize(0);
    }

    @ParameterizedTest
    @CsvSource({"DE, 10115, 10115", "US, 94103, 94103", "US, 94103-1234, 94103-1234", "GB, sw1a 1aa, SW1A 1AA",
            "GB, M11AE, M11AE", "FR, 75008, 75008", "NL, 1012ab, 1012AB", "NL, 1012 AB, 1012 AB",
            "CA, k1a 0b1, K1A 0B1", "JP, 100-0001, 100-0001", "JP, 1000001, 1000001", "IE, D02 X285, D02 X285",
            "BR, 01310-100, 01310-100"})
    void createWhenPostalCodeFitsThenStoredUpperCase(String country, String postalCode, String stored) {
        var created = create(Map.of("country", country, "postal_code", postalCode)).expect(201).body();

        assertThat(created.path("postal_code").asText()).isEqualTo(stored);
    }

    @Test
    void createWhenFieldsTooLongThenEachIsNamed() {
        var res = create(Map.of("line1", "x".repeat(201), "line2", "x".repeat(201), "city", "x".repeat(101),
                "region", "x".repeat(101), "first_name", "x".repeat(101), "company", "x".repeat(201),
                "postal_code", "1".repeat(17), "phone", "1".repeat(33))).expect(422, "validation_failed");

        assertThat(errors(res)).containsExactlyInAnyOrder("line1:too_long", "line2:too_long", "city:too_long",
                "region:too_long", "first_name:too_long", "company:too_long", "postal_code:too_long",
                "phone:too_long");
    }

    @Test
    void createWhenTextIsPaddedOrDecomposedThenMeasuredAsStored() {
        String decomposedCity = "e\u0301".repeat(100); // 200 UTF-16 units typed, 100 once composed
        var created = create(Map.of("line1", "  " + "x".repeat(200) + "  ", "city", decomposedCity)).expect(201).body();

        assertThat(created.path("line1").asText()).isEqualTo("x".repeat(200));
        assertThat(created.path("city").asText()).isEqualTo("\u00e9".repeat(100));
        assertThat(errors(create(Map.of("line1", "Main Street 9", "city", decomposedCity + "e\u0301")).expect(422)))
                .containsExactly("city:too_long");
        assertThat(errors(create(Map.of("line1", "Main Street 9", "city", " ".repeat(465) + "Berlin")).expect(422)))
                .as("beyond the bound on text as it arrives").containsExactly("city:too_long");
    }

    @Test
    void createWhenWrongTypesThenInvalidType() {
        var res = api.post("/v1/me/addresses").as(shopper)
                .body("{\"line1\": 5, \"city\": [\"Berlin\"], \"country\": true, \"tags\": \"SHIPPING\"}")
                .send().expect(422, "validation_failed");

        assertThat(errors(res)).containsExactlyInAnyOrder("line1:invalid_type", "city:invalid_type",
                "country:invalid_type", "tags:invalid_type");
    }

    @Test
    void createWhenALineSpansLinesThenEachIsNamedAndNothingStored() {
        var res = create(Map.of("line1", "Main Street 1\r\nc/o Mallory", "city", "Ber\tlin", "region", "A\u2028B"))
                .expect(422, "validation_failed");

        assertThat(errors(res)).containsExactlyInAnyOrder("line1:invalid", "city:invalid", "region:invalid");
        assertBookSize(0);
    }

    @Test
    void createWhenPhoneHasLettersOrTooFewDigitsThenInvalid() {
        for (String phone : List.of("call me", "---", "()()", "...", "+1 (2)")) {
            assertThat(errors(create(Map.of("phone", phone)).expect(422))).as(phone).containsExactly("phone:invalid");
        }
        assertThat(create(Map.of("phone", "112")).expect(201).body().path("phone").asText()).isEqualTo("112");
    }

    @Test
    void createWhenTagsBreakTheRulesThenRefused() {
        List<String> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add("TAG" + i);
        }
        assertThat(errors(create(Map.of("tags", eleven)).expect(422))).containsExactly("tags:too_long");
        assertThat(errors(create(Map.of("tags", List.of("shipping"))).expect(422))).containsExactly("tags:invalid");
        assertThat(errors(create(Map.of("tags", List.of("NO SPACE"))).expect(422))).containsExactly("tags:invalid");
        assertThat(errors(create(Map.of("tags", List.of(""))).expect(422))).containsExactly("tags:invalid");
        assertThat(errors(create(Map.of("tags", List.of("A".repeat(33)))).expect(422)))
                .containsExactly("tags:too_long");
        assertThat(errors(create(Map.of("tags", List.of(1, 2))).expect(422))).containsExactly("tags:invalid_type");
        assertBookSize(0);

        var created = create(Map.of("tags", List.of("A".repeat(32), "B_2", "B_2"))).expect(201).body();
        assertThat(created.path("tags")).extracting(JsonNode::asText).containsExactly("A".repeat(32), "B_2");
        // ten distinct tags are allowed however often one of them is repeated
        List<String> tenWithRepeats = new ArrayList<>(eleven.subList(0, 10));
        tenWithRepeats.add("TAG9");
        tenWithRepeats.add("TAG0");
        var ten = create(Map.of("line1", "Main Street 2", "tags", tenWithRepeats)).expect(201).body();
        assertThat(ten.path("tags")).extracting(JsonNode::asText).containsExactlyElementsOf(eleven.subList(0, 10));
    }

    @Test
    void createWhenComputedFieldsSentThenReadOnly() {
        var res = create(Map.of("id", "adr_mine", "is_default_shipping", true, "created_at", "2020-01-01T00:00:00Z"))
                .expect(422, "validation_failed");

        assertThat(errors(res)).containsExactlyInAnyOrder("id:read_only", "is_default_shipping:read_only",
                "created_at:read_only");
        assertBookSize(0);
    }

    @Test
    void patchWhenRequiredFieldClearedThenRefusedAndUnchanged() {
        JsonNode created = Fixtures.address(api, shopper);
        String id = created.path("id").asText();

        var res = api.patch("/v1/me/addresses/" + id).as(shopper)
                .body("{\"line1\": null, \"city\": \"\", \"country\": \"   \", \"line2\": \"kept out\"}")
                .send().expect(422, "validation_failed");

        assertThat(errors(res)).containsExactlyInAnyOrder("line1:required", "city:required", "country:required");
        assertThat(api.get("/v1/me/addresses/" + id).as(shopper).send().expect(200).body()).isEqualTo(created);
    }

    @Test
    void patchWhenCountryChangesAndPostalCodeNoLongerFitsThenRefusedAndUnchanged() {
        JsonNode created = Fixtures.address(api, shopper);
        String id = created.path("id").asText();

        var res = api.patch("/v1/me/addresses/" + id).as(shopper).body(Map.of("country", "GB"))
                .send().expect(422, "validation_failed");
        assertThat(errors(res)).containsExactly("postal_code:invalid");
        api.patch("/v1/me/addresses/" + id).as(shopper).body(Map.of("postal_code", "SW1A 1AA"))
                .send().expect(422, "validation_failed");
        assertThat(api.get("/v1/me/addresses/" + id).as(shopper).send().expect(200).body()).isEqualTo(created);

        var moved = api.patch("/v1/me/addresses/" + id).as(shopper)
                .body(Map.of("country", "GB", "postal_code", "SW1A 1AA", "city", "London")).send().expect(200).body();
        assertThat(moved.path("country").asText()).isEqualTo("GB");
    }

    @Test
    void patchWhenMalformedJsonThenBadRequest() {
        String id = Fixtures.address(api, shopper).path("id").asText();

        api.patch("/v1/me/addresses/" + id).as(shopper).body("{{").send().expect(400, "malformed_json");
    }

    @Test
    void defaultWhenTypeMissingOrUnknownThenRefused() {
        String id = Fixtures.address(api, shopper).path("id").asText();
        String url = "/v1/me/addresses/" + id + "/default";

        assertThat(errors(api.post(url).as(shopper).body(Map.of()).send().expect(422))).containsExactly("type:required");
        assertThat(errors(api.post(url).as(shopper).body(Map.of("type", "home")).send().expect(422)))
                .containsExactly("type:invalid");
        assertThat(errors(api.post(url).as(shopper).body(Map.of("type", "SHIPPING")).send().expect(422)))
                .containsExactly("type:invalid");
        assertThat(errors(api.post(url).as(shopper).body(Map.of("type", 1)).send().expect(422)))
                .containsExactly("type:invalid_type");
        api.post(url).as(shopper).body("nope").send().expect(400, "malformed_json");
        assertThat(api.get("/v1/me").as(shopper).send().expect(200).body().path("default_shipping_address_id").isNull())
                .isTrue();
    }

    @Test
    void listWhenLimitOrCursorBadThenValidationFailed() {
        api.get("/v1/me/addresses?limit=0").as(shopper).send().expect(422, "validation_failed");
        api.get("/v1/me/addresses?limit=101").as(shopper).send().expect(422, "validation_failed");
        api.get("/v1/me/addresses?cursor=%21%21").as(shopper).send().expect(422, "validation_failed");
    }

    @Test
    void createWhenHundredAddressesThenLimitReachedUntilOneIsDeleted() {
        String first = null;
        for (int i = 0; i < AddressService.MAX_PER_CUSTOMER; i++) {
            String id = Fixtures.address(api, shopper, Map.of("line1", "Street " + i)).path("id").asText();
            first = first == null ? id : first;
        }

        create(Map.of()).expect(422, "address_limit_reached");
        assertThat(api.get("/v1/me?expand=addresses").as(shopper).send().expect(200).body().path("addresses"))
                .hasSize(AddressService.MAX_PER_CUSTOMER);

        api.delete("/v1/me/addresses/" + first).as(shopper).send().expect(204);
        create(Map.of()).expect(201);
        create(Map.of()).expect(422, "address_limit_reached");
        Fixtures.address(api, Fixtures.shopper(api, tenant));
    }

    @Test
    void createWhenSeveralRaceForTheLastPlaceThenExactlyOneGetsIt() throws Exception {
        for (int i = 0; i < AddressService.MAX_PER_CUSTOMER - 1; i++) {
            Fixtures.address(api, shopper, Map.of("line1", "Street " + i));
        }
        List<Callable<Integer>> racers = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            Map<String, Object> address = Map.of("line1", "Racer Lane " + i);
            racers.add(() -> create(address).status());
        }

        List<Integer> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(racers.size())) {
            for (Future<Integer> result : pool.invokeAll(racers)) {
                statuses.add(result.get());
            }
        }

        assertThat(statuses).containsOnly(201, 422).containsOnlyOnce(201);
        assertBookSize(20);
        assertThat(api.get("/v1/me?expand=addresses").as(shopper).send().expect(200).body().path("addresses"))
                .hasSize(AddressService.MAX_PER_CUSTOMER);
    }

    private Api.Res create(Map<String, Object> overrides) {
        Map<String, Object> body = new HashMap<>(Map.of("line1", "Main Street 1", "city", "Somewhere", "country", "DE",
                "postal_code", "10115"));
        body.putAll(overrides);
        return api.post("/v1/me/addresses").as(shopper).body(body).send();
    }

    private static List<String> errors(Api.Res res) {
        List<String> errors = new ArrayList<>();
        res.body().path("errors").forEach(e -> errors.add(e.path("field").asText() + ":" + e.path("code").asText()));
        return errors;
    }

    private void assertBookSize(int size) {
        assertThat(api.get("/v1/me/addresses").as(shopper).send().expect(200).body().path("data")).hasSize(size);
    }
}
