package dev.latchkey.order;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AdminOrderListTest extends ApiTest {
    private final Fixtures.Tenant tenant = Fixtures.tenant(api);
    private final OrderCalls orders = new OrderCalls(api, tenant);

    private List<String> numbers(String query) {
        return OrderCalls.numbers(api.get("/v1/admin/orders" + query).bearer(tenant.sk()).send().expect(200));
    }

    private String placed(String email, String status, String placedAt, String customerId) {
        String number = OrderCalls.number();
        Map<String, Object> body = OrderCalls.body(number, email);
        body.put("status", status);
        body.put("placed_at", placedAt);
        if (customerId != null) {
            body.put("customer_id", customerId);
        }
        orders.create(body).expect(201);
        return number;
    }

    @Test
    void listThenNewestPlacedFirstFilteredByAddressStatusOrCustomer() {
        String guest = Fixtures.uniqueEmail();
        var shopper = Fixtures.shopper(api, tenant);
        String first = placed(guest, "paid", "2026-01-01T10:00:00Z", null);
        String second = placed(guest, "fulfilled", "2026-02-01T10:00:00Z", null);
        String third = placed(Fixtures.uniqueEmail(), "paid", "2026-03-01T10:00:00Z", shopper.customerId());
        new OrderCalls(api, Fixtures.tenant(api)).guest(guest); // another shop's order with the same address

        assertThat(numbers("")).containsExactly(third, second, first);
        String upperCase = URLEncoder.encode(" " + guest.toUpperCase() + " ", StandardCharsets.UTF_8);
        assertThat(numbers("?email=" + upperCase)).containsExactly(second, first);
        assertThat(numbers("?status=paid")).containsExactly(third, first);
        assertThat(numbers("?email=" + guest + "&status=paid")).containsExactly(first);
        assertThat(numbers("?customer_id=" + shopper.customerId())).containsExactly(third);
        assertThat(numbers("?email=nobody@example.com")).isEmpty();
        assertThat(numbers("?customer_id=cus_unknown")).isEmpty();
        var page = api.get("/v1/admin/orders").bearer(tenant.sk()).send().expect(200);
        assertThat(page.body().path("data").get(0).has("order_token")).isFalse();
    }

    @Test
    void listWhenManyThenEveryOrderOnceAcrossPages() {
        List<String> placedNumbers = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            // two orders share each time: the id orders them
            placedNumbers.add(0, placed(Fixtures.uniqueEmail(), "paid", "2026-01-0" + (1 + i / 2) + "T10:00:00Z", null));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            var page = api.get("/v1/admin/orders?limit=3" + (cursor == null ? "" : "&cursor=" + cursor))
                    .bearer(tenant.sk()).send().expect(200);
            seen.addAll(OrderCalls.numbers(page));
            cursor = page.body().path("next_cursor").isNull() ? null : page.str("next_cursor");
        } while (cursor != null);
        assertThat(seen).hasSize(7).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(placedNumbers);
    }

    @Test
    void listWhenFilteredAndPagedThenEveryMatchingOrderOnceNewestFirst() {
        String guest = Fixtures.uniqueEmail();
        var shopper = Fixtures.shopper(api, tenant);
        List<JsonNode> recorded = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String email = i % 3 == 0 ? guest : Fixtures.uniqueEmail();
            Map<String, Object> body = OrderCalls.body(OrderCalls.number(), email);
            body.put("status", i % 2 == 0 ? "paid" : "fulfilled");
            // three orders share each time, so that pages end between orders of one time
            body.put("placed_at", "2026-01-0" + (1 + i / 3) + "T10:00:00Z");
            if (i % 4 == 1 || i % 4 == 2) {
                body.put("customer_id", shopper.customerId());
            }
            recorded.add(orders.create(body).expect(201).body());
        }
        Map<String, java.util.function.Predicate<JsonNode>> filters = Map.of(
                "", o -> true,
                "status=paid", o -> o.path("status").asText().equals("paid"),
                "email=" + guest, o -> o.path("email").asText().equals(guest),
                "email=" + guest + "&status=fulfilled", o -> o.path("email").asText().equals(guest)
                        && o.path("status").asText().equals("fulfilled"),
                "customer_id=" + shopper.customerId(), o -> o.path("customer_id").asText().equals(shopper.customerId()),
                "customer_id=" + shopper.customerId() + "&status=paid&email=" + guest, o -> o.path("customer_id")
                        .asText().equals(shopper.customerId()) && o.path("status").asText().equals("paid")
                        && o.path("email").asText().equals(guest));
        for (var filter : filters.entrySet()) {
            List<String> expected = recorded.stream().filter(filter.getValue()).map(o -> o.path("number").asText())
                    .toList();
            for (int limit : new int[] {1, 2, 5}) {
                List<JsonNode> walked = walk(filter.getKey(), limit);
                assertThat(walked).as(filter.getKey() + " by " + limit).map(o -> o.path("number").asText())
                        .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
                assertThat(walked).map(o -> Instant.parse(o.path("placed_at").asText()))
                        .isSortedAccordingTo(Comparator.reverseOrder());
            }
        }
    }

    /** Every order of the query, page after page along next_cursor, in the order they came. */
    private List<JsonNode> walk(String query, int limit) {
        List<JsonNode> seen = new ArrayList<>();
        String cursor = null;
        do {
            var page = api.get("/v1/admin/orders?limit=" + limit + (query.isEmpty() ? "" : "&" + query)
                    + (cursor == null ? "" : "&cursor=" + cursor)).bearer(tenant.sk()).send().expect(200);
            page.body().path("data").forEach(seen::add);
            cursor = page.body().path("next_cursor").isNull() ? null : page.str("next_cursor");
        } while (cursor != null);
        return seen;
    }

    @Test
    void listWhenFilterBadThenValidationFailedNamingIt() {
        for (var bad : Map.of("status=shipped", "status:invalid", "email=" + "a".repeat(255), "email:too_long",
                "customer_id=" + "c".repeat(65), "customer_id:too_long", "email=a%00b", "email:invalid",
                "limit=0", "limit:out_of_range", "cursor=nonsense", "cursor:invalid",
                "status=paid&status=pending", "status:invalid").entrySet()) {
            var refused = api.get("/v1/admin/orders?" + bad.getKey()).bearer(tenant.sk()).send()
                    .expect(422, "validation_failed");
            var error = refused.body().path("errors").get(0);
            assertThat(error.path("field").asText() + ":" + error.path("code").asText()).as(bad.getKey())
                    .isEqualTo(bad.getValue());
        }
    }

    @Test
    void listWhenSupportThenAllowedWhenPublishableKeyOrNoneThenRefused() {
        var shop = StaffFixtures.shop(api);
        new OrderCalls(api, shop.tenant()).guest(Fixtures.uniqueEmail());
        var page = api.get("/v1/admin/orders").bearer(StaffFixtures.supportToken(api, shop)).send().expect(200);
        assertThat(page.body().path("data")).hasSize(1);
        api.get("/v1/admin/orders").bearer(shop.tenant().pk()).send().expect(403, "insufficient_scope");
        api.get("/v1/admin/orders").send().expect(401);
    }
}
