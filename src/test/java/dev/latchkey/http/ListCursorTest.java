package dev.latchkey.http;

import dev.latchkey.order.OrderCalls;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static dev.latchkey.testing.Problems.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cursor names the list it was written for: every other list refuses it as it refuses a malformed one (422,
 * {@code cursor} {@code invalid}), since its time and id would be read as a position in another order. The routes of
 * one list (the shopper's and the merchant's view of their orders, say) share their cursors.
 */
class ListCursorTest extends ApiTest {
    /** One paged route: the list it pages and how to ask it for a page. */
    private record Route(String listing, String path, Function<Api.Call, Api.Call> auth) {
        Api.Res page(Api api, String cursor) {
            String query = cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8);
            return auth.apply(api.get(path + (path.contains("?") ? "&" : "?") + "limit=1" + query)).send();
        }
    }

    private List<Route> routes(StaffFixtures.Shop shop, Fixtures.Shopper shopper) {
        var tenant = shop.tenant();
        Function<Api.Call, Api.Call> secretKey = call -> call.bearer(tenant.sk());
        Function<Api.Call, Api.Call> asShopper = call -> call.as(shopper);
        String customer = "/v1/admin/customers/" + shopper.customerId();
        return List.of(
                new Route("tenants", "/v1/platform/tenants", call -> call.bearer(TestServer.PLATFORM_TOKEN)),
                new Route("api_keys", "/v1/admin/api-keys", secretKey),
                new Route("customers", "/v1/admin/customers", secretKey),
                new Route("customer_changes", "/v1/admin/customers?updated_since=2000-01-01T00:00:00Z", secretKey),
                new Route("staff", "/v1/admin/staff", secretKey),
                new Route("audit", "/v1/admin/audit", secretKey),
                new Route("orders", "/v1/admin/orders", secretKey),
                new Route("orders", customer + "/orders", secretKey),
                new Route("orders", "/v1/me/orders", asShopper),
                new Route("addresses", customer + "/addresses", secretKey),
                new Route("addresses", "/v1/me/addresses", asShopper),
                new Route("sessions", customer + "/sessions", secretKey),
                new Route("sessions", "/v1/me/sessions", asShopper),
                new Route("agents", "/v1/me/agents", asShopper),
                new Route("webhooks", "/v1/admin/webhooks", secretKey));
    }

    @Test
    void listWhenCursorOfAnotherListThenRefusedAndOfTheSameListThenRead() {
        var shop = StaffFixtures.shop(api);
        Fixtures.tenant(api);
        var tenant = shop.tenant();
        StaffFixtures.addStaff(api, shop, "support");
        var first = Fixtures.shopper(api, tenant);
        Fixtures.shopper(api, tenant);
        var shopper = Fixtures.login(api, tenant, first.email(), first.password());
        Fixtures.address(api, shopper);
        Fixtures.address(api, shopper, Map.of("line1", "Another Street 2"));
        for (String name : List.of("Groceries", "Gifts")) {
            api.post("/v1/me/agents").as(shopper).body(Map.of("name", name, "scope", List.of("cart:read"),
                    "password", shopper.password())).send().expect(201);
        }
        for (String path : List.of("/a", "/b")) {
            api.post("/v1/admin/webhooks").bearer(tenant.sk()).body(Map.of("url", "http://127.0.0.1:9" + path,
                    "events", List.of("customer.deleted"))).send().expect(201);
        }
        var orders = new OrderCalls(api, tenant);
        for (int i = 0; i < 2; i++) {
            Map<String, Object> order = new HashMap<>(OrderCalls.body(OrderCalls.number(), shopper.email()));
            order.put("customer_id", shopper.customerId());
            orders.create(order).expect(201);
        }
        List<Route> routes = routes(shop, shopper);
        Map<Route, String> cursors = new HashMap<>();
        for (Route route : routes) {
            String cursor = route.page(api, null).expect(200).str("next_cursor");
            assertThat(cursor).as("a second page of %s", route.path()).isNotNull();
            cursors.put(route, cursor);
        }

        List<String> read = new ArrayList<>();
        for (Route route : routes) {
            for (Route from : routes) {
                var answer = route.page(api, cursors.get(from));
                if (from.listing().equals(route.listing())) {
                    answer.expect(200);
                    read.add(from.path() + " -> " + route.path());
                } else {
                    assertInvalid(answer, "cursor", "invalid");
                }
            }
        }
        // the three routes of orders read each other's, so do the two of addresses and of sessions; eight lists have one
        assertThat(read).as("every route reads its own cursors, and those of the other routes of its list")
                .hasSize(3 * 3 + 2 * 2 + 2 * 2 + 8);
    }
}
