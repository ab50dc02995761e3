package dev.latchkey.order;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Problems;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OrderHistoryTest extends ApiTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    private final Fixtures.Tenant tenant = Fixtures.tenant(api);
    private final OrderCalls orders = new OrderCalls(api, tenant);
    private final Fixtures.Shopper shopper = Fixtures.shopper(api, tenant);

    private Api.Res page(String query) {
        return api.get("/v1/me/orders" + query).key(tenant.pk()).bearer(shopper.accessToken()).send();
    }

    private String placedHoursAfterT(double hours) {
        return orders.createFor(shopper.customerId(), T.plus(Duration.ofMinutes((long) (hours * 60))));
    }

    @Test
    void listThenNewestFirstWithLines() {
        String older = placedHoursAfterT(1);
        String newer = placedHoursAfterT(2);
        var res = page("").expect(200);
        assertThat(OrderCalls.numbers(res)).containsExactly(newer, older);
        assertThat(res.body().path("data").get(0).path("lines")).hasSize(1);
        assertThat(res.body().path("next_cursor").isNull()).isTrue();
    }

    @Test
    void pageThroughWhileOrdersAreRecordedThenNoDuplicatesAndNoGaps() {
        List<String> initial = new ArrayList<>();
        for (int hour = 1; hour <= 5; hour++) {
            initial.add(0, placedHoursAfterT(hour));
        }
        var first = page("?limit=2").expect(200);
        assertThat(OrderCalls.numbers(first)).containsExactly(initial.get(0), initial.get(1));

        String newest = placedHoursAfterT(6);
        String between = placedHoursAfterT(3.5);
        String oldest = placedHoursAfterT(0);

        List<String> seen = new ArrayList<>(OrderCalls.numbers(first));
        String cursor = first.str("next_cursor");
        while (cursor != null) {
            var next = page("?limit=2&cursor=" + cursor).expect(200);
            seen.addAll(OrderCalls.numbers(next));
            cursor = next.str("next_cursor");
        }
        assertThat(seen).doesNotHaveDuplicates()
                .containsExactly(initial.get(0), initial.get(1), between, initial.get(2), initial.get(3),
                        initial.get(4), oldest);
        assertThat(OrderCalls.numbers(page("?limit=1").expect(200))).containsExactly(newest);
    }

    @Test
    void pageThroughOrdersPlacedAtTheSameInstantThenEachOnce() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            created.add(placedHoursAfterT(1));
        }
        List<String> seen = new ArrayList<>();
        String query = "?limit=1";
        for (int i = 0; i < 3; i++) {
            var res = page(query).expect(200);
            seen.addAll(OrderCalls.numbers(res));
            query = "?limit=1&cursor=" + res.str("next_cursor");
        }
        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(created);
    }

    @Test
    void listWhenOtherCustomersAndGuestOrdersExistThenOnlyOwn() {
        String own = placedHoursAfterT(1);
        var other = Fixtures.shopper(api, tenant);
        String othersOrder = orders.createFor(other.customerId(), T);
        String guestOrder = OrderCalls.number();
        orders.create(OrderCalls.body(guestOrder, Fixtures.uniqueEmail())).expect(201);

        assertThat(OrderCalls.numbers(page("").expect(200))).containsExactly(own);
        var mine = api.get("/v1/me/orders/" + own).key(tenant.pk()).bearer(shopper.accessToken()).send().expect(200);
        assertThat(mine.str("customer_id")).isEqualTo(shopper.customerId());
        assertThat(mine.body().has("order_token")).isFalse();
        api.get("/v1/me/orders/" + othersOrder).key(tenant.pk()).bearer(shopper.accessToken()).send()
                .expect(404, "not_found");
        api.get("/v1/me/orders/" + guestOrder).key(tenant.pk()).bearer(shopper.accessToken()).send()
                .expect(404, "not_found");
        api.get("/v1/me/orders/R-unknown").key(tenant.pk()).bearer(shopper.accessToken()).send()
                .expect(404, "not_found");
    }

    @Test
    void getWhenSameNumberInOtherTenantThenOnlyOwnTenantsOrder() {
        String number = placedHoursAfterT(1);
        var otherTenant = Fixtures.tenant(api);
        var otherShopper = Fixtures.shopper(api, otherTenant);
        api.get("/v1/me/orders/" + number).key(otherTenant.pk()).bearer(otherShopper.accessToken()).send()
                .expect(404, "not_found");
        assertThat(api.get("/v1/me/orders").key(otherTenant.pk()).bearer(otherShopper.accessToken()).send()
                .expect(200).body().path("data")).isEmpty();
    }

    /**
     * placed_at is kept in UTC, and so is the paging cursor, which holds the years 0001 to 9999: a time whose offset
     * takes it past either end is refused, and orders at the very ends page and export like any other.
     */
    @Test
    void placedAtOutsideYears0001To9999InUtcThenRefusedAndOrdersAtTheEndsArePaged() {
        for (String beyond : List.of("9999-12-31T23:59:59-01:00", "0001-01-01T00:59:59.999+01:00")) {
            String number = OrderCalls.number();
            Problems.assertInvalid(orders.create(placedAt(number, beyond)), "placed_at", "invalid");
            orders.adminGet(number).expect(404, "not_found");
        }
        String last = OrderCalls.number();
        String first = OrderCalls.number();
        assertThat(orders.create(placedAt(last, "9999-12-31T22:59:59.999-01:00")).expect(201).str("placed_at"))
                .isEqualTo("9999-12-31T23:59:59.999Z");
        assertThat(orders.create(placedAt(first, "0001-01-01T01:00:00+01:00")).expect(201).str("placed_at"))
                .isEqualTo("0001-01-01T00:00:00Z");

        var newest = page("?limit=1").expect(200);
        var oldest = page("?limit=1&cursor=" + newest.str("next_cursor")).expect(200);
        assertThat(OrderCalls.numbers(newest)).containsExactly(last);
        assertThat(OrderCalls.numbers(oldest)).containsExactly(first);
        var export = api.get("/v1/me/export").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(200);
        assertThat(export.body().path("orders").findValuesAsText("number")).containsExactly(last, first);
    }

    private Map<String, Object> placedAt(String number, String placedAt) {
        var body = OrderCalls.body(number, Fixtures.uniqueEmail());
        body.put("customer_id", shopper.customerId());
        body.put("placed_at", placedAt);
        return body;
    }

    @Test
    void listWhenAnonymousOrNoTokenThenRefused() {
        String anonymous = api.post("/v1/anonymous").key(tenant.pk()).send().expect(201).str("access_token");
        api.get("/v1/me/orders").key(tenant.pk()).bearer(anonymous).send().expect(403, "insufficient_scope");
        api.get("/v1/me/orders/R-1").key(tenant.pk()).bearer(anonymous).send().expect(403, "insufficient_scope");
        api.get("/v1/me/orders").key(tenant.pk()).send().expect(401, "invalid_token");
    }

    @Test
    void listWhenLimitOrCursorInvalidThenValidationFailed() {
        page("?limit=0").expect(422, "validation_failed");
        page("?limit=101").expect(422, "validation_failed");
        page("?cursor=!!!").expect(422, "validation_failed");
        page("?cursor=bm90LWEtY3Vyc29y").expect(422, "validation_failed");
    }
}
