package dev.latchkey.admin;

import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Tokens;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The merchant erases a customer, as the shopper's own deletion does, but at once. */
class AdminCustomerDeleteTest extends ApiTest {
    @Test
    void deleteWhenCustomerThenErasedEmailFreeAndOrdersKeptWithoutPersonalData() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var shopper = Fixtures.shopper(api, tenant, Map.of("first_name", "Erased"));
        var laptop = Fixtures.login(api, tenant, shopper.email(), shopper.password());
        Fixtures.address(api, shopper);
        String number = Fixtures.uniqueId("R");
        admin.order(number, shopper.email(), shopper.customerId());

        admin.delete(shopper.customerId()).expect(204);

        admin.get(shopper.customerId()).expect(404, "not_found");
        Tokens.assertRefused(api, tenant, shopper.accessToken());
        Tokens.assertRefused(api, tenant, laptop.accessToken());
        Tokens.refresh(api, tenant, laptop.refreshToken()).expect(401, "invalid_token");
        admin.login(shopper.email(), shopper.password()).expect(401, "invalid_credentials");
        var kept = api.get("/v1/admin/orders/" + number).bearer(tenant.sk()).send().expect(200);
        assertThat(kept.str("customer_id")).isNull();
        assertThat(kept.raw()).doesNotContain(shopper.email());
        var again = Fixtures.shopper(api, tenant, Map.of("email", shopper.email()));
        assertThat(again.customerId()).isNotEqualTo(shopper.customerId());
        assertThat(api.get("/v1/me").as(again).send().expect(200).str("first_name")).isNull();
        assertThat(admin.events(shopper.customerId(), "customer.deleted").get(0).path("data").path("by").asText())
                .isEqualTo("admin");
    }

    @Test
    void deleteWhenUnknownOrAlreadyErasedThen404() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var shopper = Fixtures.shopper(api, tenant);
        admin.delete(shopper.customerId()).expect(204);
        admin.delete(shopper.customerId()).expect(404, "not_found");
        admin.delete("cus_unknown").expect(404, "not_found");
    }

    @Test
    void deleteWhenOtherCustomersThenOnlyThatOneGoes() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        var gone = Fixtures.shopper(api, tenant);
        var stays = Fixtures.shopper(api, tenant);

        admin.delete(gone.customerId()).expect(204);

        Tokens.introspect(api, tenant, stays.accessToken()).expect(200);
        assertThat(admin.get(stays.customerId()).expect(200).str("email")).isEqualTo(stays.email());
        assertThat(admin.list("").expect(200).body().path("data")).hasSize(1);
    }
}
