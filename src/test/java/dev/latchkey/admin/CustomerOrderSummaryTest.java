package dev.latchkey.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.order.OrderCalls;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Problems;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order summary of the merchant's view of a customer: how many orders, what was spent per currency (paid and
 * fulfilled orders only, currencies never added up) and the latest order, on every admin answer of a customer.
 */
class CustomerOrderSummaryTest extends ApiTest {
    private static final Instant MAY = OrderCalls.PLACED;

    /** Records an order of the customer (null: a guest order of {@code email}); returns its number. */
    private static String order(OrderCalls orders, String customerId, String email, String status, String currency,
                                String total, Instant placedAt) {
        String number = OrderCalls.number();
        Map<String, Object> body = OrderCalls.body(number, email);
        if (customerId != null) {
            body.put("customer_id", customerId);
        }
        body.put("status", status);
        body.put("currency", currency);
        body.put("total", total);
        body.put("placed_at", placedAt.toString());
        orders.create(body).expect(201);
        return number;
    }

    private static String order(OrderCalls orders, String customerId, String status, String currency, String total,
                                Instant placedAt) {
        return order(orders, customerId, Fixtures.uniqueEmail(), status, currency, total, placedAt);
    }

    /** The amount spent as "AMOUNT CUR" strings, in the order given. */
    private static List<String> spent(JsonNode customer) {
        List<String> spent = new ArrayList<>();
        customer.path("amount_spent").forEach(s -> spent.add(s.path("amount").asText() + " "
                + s.path("currency").asText()));
        return spent;
    }

    private static void assertNoOrders(JsonNode customer) {
        assertThat(customer.path("orders_count").asLong()).isZero();
        assertThat(customer.path("amount_spent").isArray()).isTrue();
        assertThat(customer.path("amount_spent")).isEmpty();
        assertThat(customer.path("last_order_at").isNull()).as("last_order_at is null").isTrue();
        assertThat(customer.path("last_order_number").isNull()).as("last_order_number is null").isTrue();
    }

    @Test
    void readWhenOrdersOfEveryStatusInSeveralCurrenciesThenCountedAllAndSpentPaidAndFulfilledPerCurrency() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var orders = new OrderCalls(api, tenant);
        String id = admin.customer(Map.of()).path("id").asText();
        order(orders, id, "paid", "EUR", "19.9", MAY);
        order(orders, id, "fulfilled", "EUR", "40", MAY.plus(1, ChronoUnit.DAYS));
        order(orders, id, "cancelled", "EUR", "100", MAY.plus(2, ChronoUnit.DAYS));
        order(orders, id, "refunded", "EUR", "7", MAY.plus(3, ChronoUnit.DAYS));
        order(orders, id, "pending", "EUR", "3", MAY.plus(4, ChronoUnit.DAYS));
        order(orders, id, "paid", "USD", "12", MAY.plus(5, ChronoUnit.DAYS));
        order(orders, id, "fulfilled", "JPY", "1500", MAY.plus(6, ChronoUnit.DAYS));
        // in a currency of which nothing counts: counted, not spent
        String latest = order(orders, id, "pending", "CHF", "5", MAY.plus(7, ChronoUnit.DAYS));

        JsonNode read = admin.get(id).expect(200).body();

        assertThat(read.path("orders_count").asLong()).isEqualTo(8);
        assertThat(spent(read)).containsExactly("59.90 EUR", "1500 JPY", "12.00 USD");
        assertThat(read.path("last_order_number").asText()).isEqualTo(latest);
        assertThat(Instant.parse(read.path("last_order_at").asText())).isEqualTo(MAY.plus(7, ChronoUnit.DAYS));

        // a status changed afterwards changes the amount spent at once
        api.patch("/v1/admin/orders/" + latest).bearer(tenant.sk()).body(Map.of("status", "paid")).send()
                .expect(200);
        assertThat(spent(admin.get(id).expect(200).body())).containsExactly("5.00 CHF", "59.90 EUR", "1500 JPY",
                "12.00 USD");
    }

    @Test
    void readWhenTheLatestOrderWasRecordedFirstThenTheLastOrderIsTheLatestPlaced() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var orders = new OrderCalls(api, tenant);
        String id = admin.customer(Map.of()).path("id").asText();
        String placedLast = order(orders, id, "cancelled", "USD", "1", MAY.plus(30, ChronoUnit.DAYS));
        order(orders, id, "paid", "EUR", "2", MAY);

        JsonNode read = admin.get(id).expect(200).body();

        assertThat(read.path("last_order_number").asText()).isEqualTo(placedLast);
        assertThat(spent(read)).containsExactly("2.00 EUR");
    }

    @Test
    void customerWithoutOrdersThenZeroNothingSpentAndNoLastOrderOnEveryAnswer() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);

        JsonNode created = admin.customer(Map.of());
        String id = created.path("id").asText();

        assertNoOrders(created);
        assertNoOrders(admin.get(id).expect(200).body());
        assertNoOrders(admin.get(id + "?expand=addresses").expect(200).body());
        assertNoOrders(admin.patch(id, Map.of("first_name", "Ada")).expect(200).body());
        assertNoOrders(admin.list("limit=5").expect(200).body().path("data").get(0));
    }

    @Test
    void guestOrderWhenTheMerchantVerifiesTheAddressThenCountedFromThatAnswerOn() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var orders = new OrderCalls(api, tenant);
        String email = Fixtures.uniqueEmail();
        String id = admin.customer(Map.of("email", email)).path("id").asText();
        String guestOrder = order(orders, null, email, "paid", "EUR", "24.5", MAY);
        assertNoOrders(admin.get(id).expect(200).body());

        JsonNode verified = admin.patch(id, Map.of("email_verified", true)).expect(200).body();

        assertThat(verified.path("orders_count").asLong()).isEqualTo(1);
        assertThat(spent(verified)).containsExactly("24.50 EUR");
        assertThat(verified.path("last_order_number").asText()).isEqualTo(guestOrder);
        JsonNode tagged = api.post("/v1/admin/customers/" + id + "/tags").bearer(tenant.sk())
                .body(Map.of("add", List.of("vip"))).send().expect(200).body();
        assertThat(tagged.path("orders_count").asLong()).isEqualTo(1);
    }

    @Test
    void otherShopsOrdersThenNeverCountedAndTheirCustomersNotFound() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var orders = new OrderCalls(api, tenant);
        String email = Fixtures.uniqueEmail();
        String id = admin.customer(Map.of("email", email, "email_verified", true)).path("id").asText();
        order(orders, id, "paid", "EUR", "10", MAY);
        var other = Fixtures.tenant(api);
        var otherAdmin = new AdminCalls(api, other);
        var otherOrders = new OrderCalls(api, other);
        // the other shop's guest order with the same address, and its own customer of that address with orders
        order(otherOrders, null, email, "paid", "EUR", "500", MAY.plus(1, ChronoUnit.DAYS));
        String otherId = otherAdmin.customer(Map.of("email", email, "email_verified", true)).path("id").asText();
        order(otherOrders, otherId, "paid", "EUR", "70", MAY.plus(2, ChronoUnit.DAYS));

        JsonNode read = admin.get(id).expect(200).body();

        assertThat(read.path("orders_count").asLong()).isEqualTo(1);
        assertThat(spent(read)).containsExactly("10.00 EUR");
        assertThat(Instant.parse(read.path("last_order_at").asText())).isEqualTo(MAY);
        JsonNode theirs = otherAdmin.get(otherId).expect(200).body();
        assertThat(theirs.path("orders_count").asLong()).isEqualTo(2);
        assertThat(spent(theirs)).containsExactly("570.00 EUR");
        admin.get(otherId).expect(404, "not_found");
    }

    @Test
    void listWhenPagedThenEachRowCarriesItsOwnFigures() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var orders = new OrderCalls(api, tenant);
        Map<String, Integer> expectedCounts = new HashMap<>();
        Map<String, List<String>> expectedSpent = new HashMap<>();
        for (int i = 0; i < 5; i++) {
            String id = admin.customer(Map.of()).path("id").asText();
            for (int n = 0; n < i; n++) {
                order(orders, id, "paid", i % 2 == 0 ? "EUR" : "USD", (i + 1) + ".25", MAY.plus(n, ChronoUnit.HOURS));
            }
            expectedCounts.put(id, i);
            BigDecimal total = new BigDecimal((i + 1) + ".25").multiply(BigDecimal.valueOf(i)).setScale(2);
            expectedSpent.put(id, i == 0 ? List.of() : List.of(total + (i % 2 == 0 ? " EUR" : " USD")));
        }

        int seen = 0;
        String cursor = null;
        do {
            JsonNode page = admin.list("limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).expect(200).body();
            for (JsonNode row : page.path("data")) {
                String id = row.path("id").asText();
                assertThat(row.path("orders_count").asInt()).as("orders of %s", id)
                        .isEqualTo(expectedCounts.get(id));
                assertThat(spent(row)).as("spent by %s", id).isEqualTo(expectedSpent.get(id));
                seen++;
            }
            cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
        } while (cursor != null);
        assertThat(seen).isEqualTo(5);
        JsonNode changes = admin.list("updated_since=2000-01-01T00:00:00Z&limit=100").expect(200).body();
        changes.path("data").forEach(row -> assertThat(row.path("orders_count").asInt())
                .isEqualTo(expectedCounts.get(row.path("id").asText())));
    }

    @Test
    void writeWhenTheBodyNamesAFigureThenRefusedAsReadOnly() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        String id = admin.customer(Map.of()).path("id").asText();

        Problems.assertInvalid(admin.patch(id, Map.of("orders_count", 3)), "orders_count", "read_only");
        Problems.assertInvalid(admin.patch(id, Map.of("amount_spent", List.of())), "amount_spent", "read_only");
        Api.Res created = api.post("/v1/admin/customers").bearer(tenant.sk())
                .body(Map.of("email", Fixtures.uniqueEmail(), "last_order_number", "1001")).send();
        Problems.assertInvalid(created, "last_order_number", "read_only");
        assertNoOrders(admin.get(id).expect(200).body());
    }

    @Test
    void shopperWhenReadingTheirOwnProfileThenNoSummary() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        new OrderCalls(api, tenant).createFor(shopper.customerId(), MAY);

        JsonNode me = api.get("/v1/me").as(shopper).send().expect(200).body();

        assertThat(me.has("orders_count")).isFalse();
        assertThat(me.has("amount_spent")).isFalse();
        assertThat(me.has("last_order_number")).isFalse();
        assertThat(new AdminCalls(api, tenant).get(shopper.customerId()).expect(200).body()
                .path("orders_count").asInt()).isEqualTo(1);
    }
}
