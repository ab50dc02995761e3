package dev.latchkey.order;

import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GuestOrderTest extends ApiTest {
    private final Fixtures.Tenant tenant = Fixtures.tenant(api);
    private final OrderCalls orders = new OrderCalls(api, tenant);

    @Test
    void getWithRightTokenThenOrderWithoutToken() {
        String number = OrderCalls.number();
        var created = orders.create(OrderCalls.body(number, "guest@example.com")).expect(201);
        var res = orders.guestGet(number, created.str("order_token")).expect(200);
        assertThat(res.str("id")).isEqualTo(created.str("id"));
        assertThat(res.str("email")).isEqualTo("guest@example.com");
        assertThat(res.body().path("lines").get(0).path("sku").asText()).isEqualTo("MUG-1");
        assertThat(res.body().has("order_token")).isFalse();
        assertThat(res.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void getWithWrongOrMissingTokenThenNotFound() {
        String number = OrderCalls.number();
        orders.create(OrderCalls.body(number, Fixtures.uniqueEmail())).expect(201);
        String otherOrdersToken = orders.create(OrderCalls.body(OrderCalls.number(), Fixtures.uniqueEmail()))
                .expect(201).str("order_token");

        orders.guestGet(number, otherOrdersToken).expect(404, "not_found");
        orders.guestGet(number, "ot_" + "A".repeat(43)).expect(404, "not_found");
        orders.guestGet(number, "not-a-token").expect(404, "not_found");
        orders.guestGet(number, null).expect(404, "not_found");
    }

    @Test
    void getWithTokenUnderOtherTenantsKeyThenNotFound() {
        String number = OrderCalls.number();
        String token = orders.create(OrderCalls.body(number, Fixtures.uniqueEmail())).expect(201).str("order_token");
        var otherTenant = Fixtures.tenant(api);
        var otherOrders = new OrderCalls(api, otherTenant);
        otherOrders.guestGet(number, token).expect(404, "not_found");

        // The same number in the other tenant is another order: this token does not open it either.
        otherOrders.create(OrderCalls.body(number, Fixtures.uniqueEmail())).expect(201);
        otherOrders.guestGet(number, token).expect(404, "not_found");
    }

    @Test
    void reissueTokenThenTheNewOneOpensTheOrderTheOldOneNoLongerAndTheOrderIsUnchanged() {
        String number = OrderCalls.number();
        var created = orders.create(OrderCalls.body(number, Fixtures.uniqueEmail())).expect(201);
        server.clock.advance(java.time.Duration.ofMinutes(1));

        var reissued = api.post("/v1/admin/orders/" + number + "/token").bearer(tenant.sk()).send().expect(200);

        String token = reissued.str("order_token");
        assertThat(token).startsWith("ot_").isNotEqualTo(created.str("order_token"));
        assertThat(reissued.str("updated_at")).isEqualTo(created.str("updated_at"));
        assertThat(reissued.body().path("lines")).isEqualTo(created.body().path("lines"));
        orders.guestGet(number, created.str("order_token")).expect(404, "not_found");
        orders.guestGet(number, token).expect(200);
        var event = api.get("/v1/admin/audit?type=order.token_reissued").bearer(tenant.sk()).send().expect(200)
                .body().path("data");
        assertThat(event).hasSize(1);
        assertThat(event.get(0).path("data").path("number").asText()).isEqualTo(number);
        assertThat(event.toString()).doesNotContain(token);
    }

    @Test
    void reissueTokenWhenUnknownOrOtherTenantsOrderOrSupportOrPublishableKeyThenRefusedAndTheTokenStays() {
        String number = OrderCalls.number();
        String token = orders.create(OrderCalls.body(number, Fixtures.uniqueEmail())).expect(201).str("order_token");
        var shop = dev.latchkey.testing.StaffFixtures.shop(api);

        api.post("/v1/admin/orders/R-unknown/token").bearer(tenant.sk()).send().expect(404, "not_found");
        api.post("/v1/admin/orders/" + number + "/token").bearer(shop.tenant().sk()).send().expect(404, "not_found");
        api.post("/v1/admin/orders/" + number + "/token").bearer(tenant.pk()).send().expect(403, "insufficient_scope");
        api.post("/v1/admin/orders/" + number + "/token").send().expect(401);
        String support = dev.latchkey.testing.StaffFixtures.supportToken(api, shop);
        new OrderCalls(api, shop.tenant()).create(OrderCalls.body(number, Fixtures.uniqueEmail())).expect(201);
        api.post("/v1/admin/orders/" + number + "/token").bearer(support).send().expect(403, "insufficient_scope");

        orders.guestGet(number, token).expect(200);
    }

    @Test
    void getWhenUnknownNumberOrNoKeyThenRefused() {
        orders.guestGet("R-unknown", "ot_" + "A".repeat(43)).expect(404, "not_found");
        api.get("/v1/orders/R-unknown").header("X-Order-Token", "ot_x").send().expect(401, "invalid_api_key");
    }
}
