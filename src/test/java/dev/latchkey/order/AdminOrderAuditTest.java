package dev.latchkey.order;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The merchant's order writes in the audit log: {@code order.recorded} and {@code order.status_changed}, under the
 * order's customer, naming the key or staff member that acted. A write that fails or changes nothing records nothing.
 */
class AdminOrderAuditTest extends ApiTest {
    private final Fixtures.Tenant tenant = Fixtures.tenant(api);
    private final OrderCalls orders = new OrderCalls(api, tenant);

    @Test
    void createWhenCustomerNamedThenOrderRecordedUnderTheCustomerWithTheKey() {
        var shopper = Fixtures.shopper(api, tenant);
        var key = api.post("/v1/admin/api-keys").bearer(tenant.sk()).body(Map.of("kind", "secret")).send().expect(201);
        String number = OrderCalls.number();
        var body = OrderCalls.body(number, Fixtures.uniqueEmail());
        body.put("customer_id", shopper.customerId());

        api.post("/v1/admin/orders").bearer(key.str("key")).body(body).send().expect(201);

        JsonNode event = AuditEvents.only(api, tenant, shopper.customerId(), "order.recorded");
        assertThat(event.path("data").path("number").asText()).isEqualTo(number);
        assertThat(event.path("data").path("status").asText()).isEqualTo("paid");
        assertThat(event.path("data").path("by").asText()).isEqualTo("admin");
        assertThat(event.path("api_key_id").asText()).isEqualTo(key.str("id"));
        assertThat(event.path("staff_id").isNull()).isTrue();
    }

    @Test
    void createWhenGuestOrderThenRecordedWithoutCustomer() {
        String number = orders.guest(Fixtures.uniqueEmail());

        JsonNode events = tenantEvents("order.recorded");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).path("customer_id").isNull()).isTrue();
        assertThat(events.get(0).path("data").path("number").asText()).isEqualTo(number);
    }

    @Test
    void createWhenRefusedThenNothingRecorded() {
        String number = orders.guest(Fixtures.uniqueEmail());
        orders.create(OrderCalls.body(number, Fixtures.uniqueEmail())).expect(409, "order_exists");
        var unknownOwner = OrderCalls.body(OrderCalls.number(), Fixtures.uniqueEmail());
        unknownOwner.put("customer_id", "cus_unknown");
        orders.create(unknownOwner).expect(422, "validation_failed");
        var otherTenants = OrderCalls.body(OrderCalls.number(), Fixtures.uniqueEmail());
        otherTenants.put("customer_id", Fixtures.shopper(api, Fixtures.tenant(api)).customerId());
        orders.create(otherTenants).expect(422, "validation_failed");
        api.post("/v1/admin/orders").bearer(tenant.sk()).body("{")
                .send().expect(400, "malformed_json");

        assertThat(tenantEvents("order.recorded")).hasSize(1);
    }

    @Test
    void patchWhenStatusChangesThenFromAndToRecordedAndSameStatusRecordsNothing() {
        var shopper = Fixtures.shopper(api, tenant);
        String number = orders.createFor(shopper.customerId(), OrderCalls.PLACED);

        patch(number, tenant.sk(), "fulfilled").expect(200);
        patch(number, tenant.sk(), "fulfilled").expect(200);
        patch(number, tenant.sk(), "refunded").expect(200);

        JsonNode events = AuditEvents.of(api, tenant, shopper.customerId(), "order.status_changed");
        assertThat(events).hasSize(2);
        assertChange(events.get(0), number, "fulfilled", "refunded");
        assertChange(events.get(1), number, "paid", "fulfilled");
        assertThat(events.get(0).path("customer_id").asText()).isEqualTo(shopper.customerId());
    }

    @Test
    void patchWhenRefusedThenNothingRecorded() {
        String number = orders.guest(Fixtures.uniqueEmail());
        patch(number, tenant.sk(), "teleported").expect(422, "validation_failed");
        api.patch("/v1/admin/orders/" + number).bearer(tenant.sk()).body(Map.of("status", "fulfilled", "total", "1.00"))
                .send().expect(422, "validation_failed");
        patch("R-nope", tenant.sk(), "fulfilled").expect(404, "not_found");
        patch(number, Fixtures.tenant(api).sk(), "fulfilled").expect(404, "not_found");

        assertThat(tenantEvents("order.status_changed")).isEmpty();
        assertThat(orders.adminGet(number).expect(200).str("status")).isEqualTo("paid");
    }

    @Test
    void patchWhenStaffTokenThenStaffMemberRecordedAndNoKey() {
        var shop = StaffFixtures.shop(api);
        String number = new OrderCalls(api, shop.tenant()).guest(Fixtures.uniqueEmail());

        patch(number, StaffFixtures.ownerToken(api, shop), "cancelled").expect(200);

        JsonNode events = api.get("/v1/admin/audit?type=order.status_changed").bearer(shop.tenant().sk()).send()
                .expect(200).body().path("data");
        assertThat(events).hasSize(1);
        assertChange(events.get(0), number, "paid", "cancelled");
        assertThat(events.get(0).path("staff_id").asText()).isEqualTo(shop.ownerId());
        assertThat(events.get(0).path("api_key_id").isNull()).isTrue();
        assertThat(events.get(0).path("customer_id").isNull()).isTrue();
    }

    private Api.Res patch(String number, String credential, String status) {
        return api.patch("/v1/admin/orders/" + number).bearer(credential).body(Map.of("status", status)).send();
    }

    private JsonNode tenantEvents(String type) {
        return api.get("/v1/admin/audit?type=" + type).bearer(tenant.sk()).send().expect(200).body().path("data");
    }

    private static void assertChange(JsonNode event, String number, String from, String to) {
        assertThat(event.path("data").path("number").asText()).isEqualTo(number);
        assertThat(event.path("data").path("from").asText()).isEqualTo(from);
        assertThat(event.path("data").path("to").asText()).isEqualTo(to);
        assertThat(event.path("data").path("by").asText()).isEqualTo("admin");
    }
}
