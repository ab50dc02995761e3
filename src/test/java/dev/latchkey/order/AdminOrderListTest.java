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
                        && o.path("email").asText().equals(guest),
                "since=2026-01-02T10:00:00Z&until=2026-01-04T10:00:00Z", o -> placedIn(o, "2026-01-02", "2026-01-03"),
                "since=2026-01-02T10:00:00Z&status=fulfilled", o -> placedIn(o, "2026-01-02", "2026-01-04")
                        && o.path("status").asText().equals("fulfilled"),
                "until=2026-01-04T10:00:00Z&customer_id=" + shopper.customerId(), o -> placedIn(o, "2026-01-01",
                        "2026-01-03") && o.path("customer_id").asText().equals(shopper.customerId()));
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

    /** Whether the order was placed on one of the days {@code first} to {@code last}, at 10:00 UTC. */
    private static boolean placedIn(JsonNode order, String first, String last) {
        String day = order.path("placed_at").asText().substring(0, 10);
        return day.compareTo(first) >= 0 && day.compareTo(last) <= 0;
    }

    @Test
    void listWhenPlacedBetweenSinceAndUntilThenSinceIncludedUntilNotAsTheAuditLogReadsThem() {
        String guest = Fixtures.uniqueEmail();
        String before = placed(guest, "paid", "2026-04-30T23:59:59.999Z", null);
        String atSince = placed(guest, "paid", "2026-05-01T00:00:00Z", null);
        String pending = placed(Fixtures.uniqueEmail(), "pending", "2026-05-10T12:00:00Z", null);
        String beforeUntil = placed(guest, "fulfilled", "2026-05-31T23:59:59.999Z", null);
        String atUntil = placed(guest, "paid", "2026-06-01T00:00:00Z", null);
        // another shop's orders of the same time and address are never listed
        var theirs = new OrderCalls(api, Fixtures.tenant(api));
        for (String at : List.of("2026-05-01T00:00:00Z", "2026-05-10T12:00:00Z")) {
            Map<String, Object> body = OrderCalls.body(OrderCalls.number(), guest);
            body.put("placed_at", at);
            theirs.create(body).expect(201);
        }
        String may = "since=2026-05-01T00:00:00Z&until=2026-06-01T00:00:00Z";

        assertThat(numbers("?" + may)).containsExactly(beforeUntil, pending, atSince);
        assertThat(numbers("?since=2026-05-01T00:00:00Z")).containsExactly(atUntil, beforeUntil, pending, atSince);
        assertThat(numbers("?until=2026-05-01T00:00:00Z")).containsExactly(before);
        // the same instants written with an offset, and with more digits than the millisecond kept
        assertThat(numbers("?since=2026-05-01T02:00:00%2B02:00&until=2026-05-31T19:59:59.9990001-04:00"))
                .containsExactly(pending, atSince);
        assertThat(numbers("?" + may + "&status=paid")).containsExactly(atSince);
        assertThat(numbers("?" + may + "&email=" + guest)).containsExactly(beforeUntil, atSince);
        assertThat(numbers("?" + may + "&email=" + guest + "&status=fulfilled")).containsExactly(beforeUntil);
        // an empty range lists nothing, as on the audit log
        assertThat(numbers("?since=2026-06-01T00:00:00Z&until=2026-05-01T00:00:00Z")).isEmpty();
        assertThat(numbers("?since=2026-05-10T12:00:00Z&until=2026-05-10T12:00:00Z")).isEmpty();
        // empty reads as absent, as for the other filters
        assertThat(numbers("?since=&until=")).containsExactly(atUntil, beforeUntil, pending, atSince, before);
    }

    /**
     * A bounded list walked by one order a page; and a cursor from beyond {@code until}, which a client may carry over
     * from an unbounded walk: the bound that ends the range more tightly holds either way.
     */
    @Test
    void listWhenBoundedInTimeAndPagedWithACursorFromBeyondUntilThenTheTighterBoundHolds() {
        List<String> placedNumbers = new ArrayList<>();
        for (int day = 1; day <= 6; day++) {
            placedNumbers.add(0, placed(Fixtures.uniqueEmail(), "paid", "2026-03-0" + day + "T10:00:00Z", null));
        }
        String bounded = "since=2026-03-02T10:00:00Z&until=2026-03-05T10:00:00Z";
        List<String> expected = placedNumbers.subList(2, 5);
        assertThat(walk(bounded, 1)).map(o -> o.path("number").asText()).containsExactlyElementsOf(expected);

        String newest = api.get("/v1/admin/orders?limit=1").bearer(tenant.sk()).send().expect(200).str("next_cursor");
        assertThat(numbers("?" + bounded + "&limit=2&cursor=" + newest))
                .containsExactlyElementsOf(expected.subList(0, 2));
        String secondOldest = api.get("/v1/admin/orders?limit=4").bearer(tenant.sk()).send().expect(200)
                .str("next_cursor");
        assertThat(numbers("?" + bounded + "&cursor=" + secondOldest)).containsExactly(expected.get(2));
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
        List<String> refusals = List.of("status=shipped", "status:invalid", "email=" + "a".repeat(255),
                "email:too_long", "customer_id=" + "c".repeat(65), "customer_id:too_long", "email=a%00b",
                "email:invalid", "limit=0", "limit:out_of_range", "cursor=nonsense", "cursor:invalid",
                "status=paid&status=pending", "status:invalid", "since=yesterday", "since:invalid",
                "until=2026-13-01T00:00:00Z", "until:invalid", "since=2026-05-08T13:00Z", "since:invalid",
                "until=10000-01-01T00:00:00Z", "until:invalid", "since=2026-05-08", "since:invalid",
                "until=2026-05-08T13:00:00Z&until=2026-05-09T13:00:00Z", "until:invalid");
        for (int i = 0; i < refusals.size(); i += 2) {
            String query = refusals.get(i);
            var refused = api.get("/v1/admin/orders?" + query).bearer(tenant.sk()).send()
                    .expect(422, "validation_failed");
            var error = refused.body().path("errors").get(0);
            assertThat(error.path("field").asText() + ":" + error.path("code").asText()).as(query)
                    .isEqualTo(refusals.get(i + 1));
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
