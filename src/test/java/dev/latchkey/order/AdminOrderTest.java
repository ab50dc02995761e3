package dev.latchkey.order;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Concurrently;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Problems;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class AdminOrderTest extends ApiTest {
    private final Fixtures.Tenant tenant = Fixtures.tenant(api);
    private final OrderCalls orders = new OrderCalls(api, tenant);

    @Test
    void createThenOrderWithTokenShownOnceAndCanonicalAmounts() {
        String number = OrderCalls.number();
        var body = OrderCalls.body(number, "  Guest@Example.COM ");
        body.put("total", "19.9");
        OrderCalls.firstLine(body).put("unit_price", "9.950");
        var res = orders.create(body).expect(201);
        assertThat(res.str("id")).startsWith("ord_");
        assertThat(res.str("order_token")).startsWith("ot_");
        assertThat(res.str("email")).isEqualTo("guest@example.com");
        assertThat(res.str("total")).isEqualTo("19.90");
        assertThat(res.body().path("lines").get(0).path("unit_price").asText()).isEqualTo("9.95");
        assertThat(res.str("placed_at")).isEqualTo("2026-05-08T13:00:00Z");
        assertThat(res.body().path("customer_id").isNull()).isTrue();
        assertThat(res.header("Cache-Control")).isEqualTo("no-store");

        var read = orders.adminGet(number).expect(200);
        assertThat(read.body().has("order_token")).isFalse();
        assertThat(read.str("total")).isEqualTo("19.90");
        assertThat(read.body().path("lines")).isEqualTo(res.body().path("lines"));
    }

    @Test
    void createWhenCurrencyHasOtherMinorUnitsThenAmountsFollowIt() {
        var body = OrderCalls.body(OrderCalls.number(), Fixtures.uniqueEmail());
        body.put("currency", "JPY");
        body.put("total", "1500");
        OrderCalls.firstLine(body).put("unit_price", "0.1234");
        var res = orders.create(body).expect(201);
        assertThat(res.str("total")).isEqualTo("1500");
        assertThat(res.body().path("lines").get(0).path("unit_price").asText()).isEqualTo("0.1234");
    }

    @Test
    void createWhenPlacedAtHasOffsetThenStoredAsUtc() {
        var body = OrderCalls.body(OrderCalls.number(), Fixtures.uniqueEmail());
        body.put("placed_at", "2026-05-08T15:00:00.123456+02:00");
        assertThat(orders.create(body).expect(201).str("placed_at")).isEqualTo("2026-05-08T13:00:00.123Z");
        var precise = OrderCalls.body(OrderCalls.number(), Fixtures.uniqueEmail());
        precise.put("placed_at", "2026-05-08T13:00:00.9876543219999Z"); // RFC 3339 sets no limit to the digits
        assertThat(orders.create(precise).expect(201).str("placed_at")).isEqualTo("2026-05-08T13:00:00.987Z");
    }

    @Test
    void createWhenNumberTakenThenOrderExistsAndFirstOrderUnchanged() {
        String number = OrderCalls.number();
        orders.create(OrderCalls.body(number, "first@example.com")).expect(201);
        orders.create(OrderCalls.body(number, "second@example.com")).expect(409, "order_exists");
        assertThat(orders.adminGet(number).expect(200).str("email")).isEqualTo("first@example.com");
    }

    @Test
    void createWhenNumberTakenInOtherTenantThenCreated() {
        String number = OrderCalls.number();
        orders.create(OrderCalls.body(number, Fixtures.uniqueEmail())).expect(201);
        new OrderCalls(api, Fixtures.tenant(api)).create(OrderCalls.body(number, Fixtures.uniqueEmail())).expect(201);
    }

    static Stream<Arguments> badFields() {
        return Stream.of(
                bad("number missing", b -> b.remove("number"), "number"),
                bad("number blank", b -> b.put("number", " "), "number"),
                bad("number with #", b -> b.put("number", "#1001"), "number"),
                bad("number dots only", b -> b.put("number", ".."), "number"),
                bad("number too long", b -> b.put("number", "N".repeat(65)), "number"),
                bad("number not a string", b -> b.put("number", 1001), "number"),
                bad("email missing", b -> b.remove("email"), "email"),
                bad("email invalid", b -> b.put("email", "not-an-email"), "email"),
                bad("email too long", b -> b.put("email", "a".repeat(250) + "@example.com"), "email"),
                bad("customer_id not a string", b -> b.put("customer_id", 5), "customer_id"),
                bad("customer_id unknown", b -> b.put("customer_id", "cus_unknown"), "customer_id"),
                bad("status missing", b -> b.remove("status"), "status"),
                bad("status unknown", b -> b.put("status", "shipped"), "status"),
                bad("currency missing", b -> b.remove("currency"), "currency"),
                bad("currency lower case", b -> b.put("currency", "eur"), "currency"),
                bad("currency not ISO 4217", b -> b.put("currency", "ABC"), "currency"),
                bad("currency that is none", b -> b.put("currency", "XXX"), "currency"),
                bad("currency too long", b -> b.put("currency", "EURO"), "currency"),
                bad("total missing", b -> b.remove("total"), "total"),
                bad("total a JSON number", b -> b.put("total", 19.9), "total"),
                bad("total negative", b -> b.put("total", "-1.00"), "total"),
                bad("total 5 decimals", b -> b.put("total", "1.23456"), "total"),
                bad("total exponent", b -> b.put("total", "1e3"), "total"),
                bad("total leading zero", b -> b.put("total", "01.00"), "total"),
                bad("total 16 integer digits", b -> b.put("total", "1234567890123456"), "total"),
                bad("lines missing", b -> b.remove("lines"), "lines"),
                bad("lines empty", b -> b.put("lines", List.of()), "lines"),
                bad("lines not an array", b -> b.put("lines", "MUG-1"), "lines"),
                bad("lines item not an object", b -> b.put("lines", List.of(5)), "lines"),
                bad("lines over 500", b -> b.put("lines", manyLines(501)), "lines"),
                bad("line sku missing", b -> OrderCalls.firstLine(b).remove("sku"), "lines[0].sku"),
                bad("line sku invalid", b -> OrderCalls.firstLine(b).put("sku", "a b"), "lines[0].sku"),
                bad("line name missing", b -> OrderCalls.firstLine(b).remove("name"), "lines[0].name"),
                bad("line name too long", b -> OrderCalls.firstLine(b).put("name", "n".repeat(201)), "lines[0].name"),
                bad("line quantity 0", b -> OrderCalls.firstLine(b).put("quantity", 0), "lines[0].quantity"),
                bad("line quantity 1000", b -> OrderCalls.firstLine(b).put("quantity", 1000), "lines[0].quantity"),
                bad("line quantity string", b -> OrderCalls.firstLine(b).put("quantity", "2"), "lines[0].quantity"),
                bad("line unit_price negative", b -> OrderCalls.firstLine(b).put("unit_price", "-9.95"),
                        "lines[0].unit_price"),
                bad("placed_at missing", b -> b.remove("placed_at"), "placed_at"),
                bad("placed_at date only", b -> b.put("placed_at", "2026-05-08"), "placed_at"),
                bad("placed_at without offset", b -> b.put("placed_at", "2026-05-08T13:00:00"), "placed_at"),
                bad("placed_at without seconds", b -> b.put("placed_at", "2026-05-08T13:00Z"), "placed_at"),
                bad("placed_at without seconds, with offset", b -> b.put("placed_at", "2026-05-08T15:00+02:00"),
                        "placed_at"),
                bad("placed_at point without fraction", b -> b.put("placed_at", "2026-05-08T13:00:00.Z"),
                        "placed_at"),
                bad("placed_at offset without minutes", b -> b.put("placed_at", "2026-05-08T15:00:00+02"),
                        "placed_at"),
                bad("placed_at offset with seconds", b -> b.put("placed_at", "2026-05-08T15:00:00+02:00:00"),
                        "placed_at"),
                bad("placed_at a number", b -> b.put("placed_at", 1778245200), "placed_at"));
    }

    private static Arguments bad(String name, Consumer<Map<String, Object>> breakIt, String field) {
        return Arguments.of(Named.of(name, breakIt), field);
    }

    private static List<Map<String, Object>> manyLines(int count) {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(Map.of("sku", "S" + i, "name", "Item", "quantity", 1, "unit_price", "1.00"));
        }
        return lines;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFields")
    void createWhenFieldInvalidThenValidationFailedAndNothingStored(Consumer<Map<String, Object>> breakIt,
                                                                   String field) {
        String number = OrderCalls.number();
        var body = OrderCalls.body(number, Fixtures.uniqueEmail());
        breakIt.accept(body);
        var res = orders.create(body).expect(422, "validation_failed");
        assertThat(res.body().path("errors")).extracting(e -> e.path("field").asText()).containsExactly(field);
        orders.adminGet(number).expect(404, "not_found");
    }

    @Test
    void createWhenEveryLineAtBoundsThenAccepted() {
        var body = OrderCalls.body(OrderCalls.number(), Fixtures.uniqueEmail());
        body.put("lines", manyLines(500));
        body.put("total", "0");
        assertThat(orders.create(body).expect(201).body().path("lines")).hasSize(500);
    }

    @Test
    void createWhenMalformedJsonThenBadRequest() {
        api.post("/v1/admin/orders").bearer(tenant.sk()).body("{\"number\": ").send().expect(400, "malformed_json");
    }

    @Test
    void createWithPublishableKeyThenInsufficientScope() {
        api.post("/v1/admin/orders").bearer(tenant.pk()).body(OrderCalls.body(OrderCalls.number(), "a@example.com"))
                .send().expect(403, "insufficient_scope");
        api.post("/v1/admin/orders").body(OrderCalls.body(OrderCalls.number(), "a@example.com"))
                .send().expect(401, "invalid_api_key");
    }

    @Test
    void customerOrdersWhenTheMerchantReadsThemThenTheCustomersOwnListPagedAndNothingOfOthers() {
        var shop = StaffFixtures.shop(api);
        var calls = new OrderCalls(api, shop.tenant());
        var shopper = Fixtures.shopper(api, shop.tenant());
        String older = calls.createFor(shopper.customerId(), OrderCalls.PLACED);
        String newer = calls.createFor(shopper.customerId(), OrderCalls.PLACED.plusSeconds(60));
        calls.createFor(Fixtures.shopper(api, shop.tenant()).customerId(), OrderCalls.PLACED.plusSeconds(30));
        String path = "/v1/admin/customers/" + shopper.customerId() + "/orders";

        var first = api.get(path + "?limit=1").bearer(shop.tenant().sk()).send().expect(200);
        assertThat(OrderCalls.numbers(first)).containsExactly(newer);
        var second = api.get(path + "?limit=1&cursor=" + first.str("next_cursor")).bearer(shop.tenant().sk()).send()
                .expect(200);
        assertThat(OrderCalls.numbers(second)).containsExactly(older);
        assertThat(second.body().path("next_cursor").isNull()).isTrue();
        var asSupport = api.get(path).bearer(StaffFixtures.supportToken(api, shop)).send().expect(200);
        assertThat(OrderCalls.numbers(asSupport)).containsExactly(newer, older)
                .isEqualTo(calls.mine(shopper.accessToken()));

        api.get(path).bearer(Fixtures.tenant(api).sk()).send().expect(404, "not_found");
        api.get("/v1/admin/customers/cus_unknown/orders").bearer(shop.tenant().sk()).send().expect(404, "not_found");
        api.get(path).bearer(shop.tenant().pk()).send().expect(403, "insufficient_scope");
        api.get(path + "?limit=0").bearer(shop.tenant().sk()).send().expect(422, "validation_failed");
    }

    @Test
    void createWhenCustomerOfOtherTenantThenValidationFailed() {
        var otherShopper = Fixtures.shopper(api, Fixtures.tenant(api));
        var body = OrderCalls.body(OrderCalls.number(), otherShopper.email());
        body.put("customer_id", otherShopper.customerId());
        var res = orders.create(body).expect(422, "validation_failed");
        assertThat(res.body().path("errors").get(0).path("code").asText()).isEqualTo("not_found");
    }

    @Test
    void createWithCustomerIdThenOrderIsTheirs() {
        var shopper = Fixtures.shopper(api, tenant);
        var body = OrderCalls.body(OrderCalls.number(), "someone.else@example.com");
        body.put("customer_id", shopper.customerId());
        assertThat(orders.create(body).expect(201).str("customer_id")).isEqualTo(shopper.customerId());
    }

    /**
     * Orders for a customer recorded while the merchant erases that customer: each one is either refused (the erasure
     * came first) or recorded before the erasure, which then strips it. None keeps the erased customer's id or email.
     */
    @Test
    void createForACustomerWhileTheyAreErasedThenNoOrderKeepsTheErasedCustomer() {
        for (int round = 0; round < 20; round++) {
            var shopper = Fixtures.shopper(api, tenant);
            List<String> numbers = List.of(OrderCalls.number(), OrderCalls.number(), OrderCalls.number());
            List<Callable<Api.Res>> calls = new ArrayList<>();
            calls.add(() -> api.delete("/v1/admin/customers/" + shopper.customerId()).bearer(tenant.sk()).send());
            for (String number : numbers) {
                var body = OrderCalls.body(number, shopper.email());
                body.put("customer_id", shopper.customerId());
                calls.add(() -> orders.create(body));
            }

            var answers = Concurrently.all(calls);

            answers.get(0).expect(204);
            for (int i = 0; i < numbers.size(); i++) {
                var created = answers.get(i + 1);
                String number = numbers.get(i);
                if (created.status() == 422) {
                    Problems.assertInvalid(created, "customer_id", "not_found");
                    orders.adminGet(number).expect(404, "not_found");
                } else {
                    created.expect(201);
                    var kept = orders.adminGet(number).expect(200);
                    assertThat(kept.str("customer_id")).as("round %d, order %s", round, kept.raw()).isNull();
                    assertThat(kept.str("email")).as("round %d, order %s", round, kept.raw()).isEmpty();
                }
            }
        }
    }

    @Test
    void createWhenEmailOfUnverifiedCustomerThenStaysGuestOrder() {
        var shopper = Fixtures.shopper(api, tenant);
        String number = OrderCalls.number();
        var res = orders.create(OrderCalls.body(number, shopper.email().toUpperCase())).expect(201);
        assertThat(res.body().path("customer_id").isNull()).isTrue();
        assertThat(api.get("/v1/me/orders").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(200)
                .body().path("data")).isEmpty();
        api.get("/v1/me/orders/" + number).key(tenant.pk()).bearer(shopper.accessToken()).send()
                .expect(404, "not_found");
    }

    /** An order recorded five seconds before the clock's now, so that any later write shows in updated_at. */
    private Api.Res recordedAWhileAgo(String number) {
        var created = orders.create(OrderCalls.body(number, Fixtures.uniqueEmail())).expect(201);
        server.clock.advance(Duration.ofSeconds(5));
        return created;
    }

    private Api.Res patchStatus(String number, String status) {
        return api.patch("/v1/admin/orders/" + number).bearer(tenant.sk()).body(Map.of("status", status)).send();
    }

    @Test
    void patchStatusThenOnlyStatusAndUpdatedAtChange() {
        String number = OrderCalls.number();
        var created = recordedAWhileAgo(number);
        var res = patchStatus(number, "fulfilled").expect(200);
        assertThat(res.str("status")).isEqualTo("fulfilled");
        assertThat(res.str("updated_at")).isNotEqualTo(created.str("updated_at"));
        assertThat(res.str("total")).isEqualTo(created.str("total"));
        assertThat(res.body().has("order_token")).isFalse();
        assertThat(orders.adminGet(number).str("status")).isEqualTo("fulfilled");
    }

    @Test
    void patchWhenStatusIsTheOneItHasThenNothingChangesNotEvenUpdatedAt() {
        String number = OrderCalls.number();
        var created = recordedAWhileAgo(number);
        var res = patchStatus(number, "paid").expect(200);
        assertThat(res.str("status")).isEqualTo("paid");
        assertThat(res.str("updated_at")).isEqualTo(created.str("updated_at"));
        assertThat(orders.adminGet(number).expect(200).str("updated_at")).isEqualTo(created.str("updated_at"));
    }

    @Test
    void patchWhenStatusInvalidOrMissingOrFieldReadOnlyThenValidationFailedAndUnchanged() {
        String number = OrderCalls.number();
        orders.create(OrderCalls.body(number, Fixtures.uniqueEmail())).expect(201);
        for (Map<String, Object> body : List.<Map<String, Object>>of(Map.of("status", "shipped"), Map.of(),
                Map.of("status", 3), Map.of("status", "paid", "total", "0.00"))) {
            api.patch("/v1/admin/orders/" + number).bearer(tenant.sk()).body(body).send()
                    .expect(422, "validation_failed");
        }
        api.patch("/v1/admin/orders/" + number).bearer(tenant.sk()).body("nope").send().expect(400, "malformed_json");
        var read = orders.adminGet(number).expect(200);
        assertThat(read.str("status")).isEqualTo("paid");
        assertThat(read.str("total")).isEqualTo("19.90");
    }

    @Test
    void patchAndGetWhenUnknownOrOtherTenantsOrderThenNotFound() {
        String number = OrderCalls.number();
        orders.create(OrderCalls.body(number, Fixtures.uniqueEmail())).expect(201);
        var other = Fixtures.tenant(api);
        api.patch("/v1/admin/orders/" + number).bearer(other.sk()).body(Map.of("status", "cancelled")).send()
                .expect(404, "not_found");
        api.get("/v1/admin/orders/" + number).bearer(other.sk()).send().expect(404, "not_found");
        api.patch("/v1/admin/orders/R-unknown").bearer(tenant.sk()).body(Map.of("status", "cancelled")).send()
                .expect(404, "not_found");
        assertThat(orders.adminGet(number).str("status")).isEqualTo("paid");
    }
}
