package dev.latchkey.address;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** Another customer's or another tenant's address id answers 404 on every route, and nothing of it changes. */
class AddressIsolationTest extends ApiTest {
    private final Fixtures.Tenant tenant = Fixtures.tenant(api);
    private final Fixtures.Shopper owner = Fixtures.shopper(api, tenant);
    private final Fixtures.Shopper otherCustomer = Fixtures.shopper(api, tenant);
    private final Fixtures.Shopper otherTenantCustomer = Fixtures.shopper(api, Fixtures.tenant(api));
    private final JsonNode address = ownersDefaultAddress();
    private final String id = address.path("id").asText();

    private JsonNode ownersDefaultAddress() {
        String created = Fixtures.address(api, owner).path("id").asText();
        return api.post("/v1/me/addresses/" + created + "/default").as(owner).body(Map.of("type", "both"))
                .send().expect(200).body();
    }

    @Test
    void getWhenOtherCustomersAddressThenNotFound() {
        api.get("/v1/me/addresses/" + id).as(otherCustomer).send().expect(404, "not_found");
    }

    @Test
    void getWhenOtherTenantsAddressThenNotFound() {
        api.get("/v1/me/addresses/" + id).as(otherTenantCustomer).send().expect(404, "not_found");
    }

    @Test
    void patchWhenOtherCustomersOrTenantsAddressThenNotFoundAndUnchanged() {
        for (Fixtures.Shopper intruder : intruders()) {
            api.patch("/v1/me/addresses/" + id).as(intruder).body(Map.of("city", "Elsewhere"))
                    .send().expect(404, "not_found");
        }
        assertOwnersAddressUnchanged();
    }

    @Test
    void deleteWhenOtherCustomersOrTenantsAddressThenNotFoundAndKept() {
        for (Fixtures.Shopper intruder : intruders()) {
            api.delete("/v1/me/addresses/" + id).as(intruder).send().expect(404, "not_found");
        }
        assertOwnersAddressUnchanged();
    }

    @Test
    void defaultWhenOtherCustomersOrTenantsAddressThenNotFoundAndNoDefaultSet() {
        for (Fixtures.Shopper intruder : intruders()) {
            api.post("/v1/me/addresses/" + id + "/default").as(intruder).body(Map.of("type", "both"))
                    .send().expect(404, "not_found");
            JsonNode me = api.get("/v1/me").as(intruder).send().expect(200).body();
            assertThat(me.path("default_shipping_address_id").isNull()).isTrue();
            assertThat(me.path("default_billing_address_id").isNull()).isTrue();
        }
        assertOwnersAddressUnchanged();
    }

    @Test
    void listsWhenOtherCustomerOrTenantThenOwnersAddressIsAbsent() {
        for (Fixtures.Shopper intruder : intruders()) {
            Fixtures.address(api, intruder);
            assertThat(ids(api.get("/v1/me/addresses").as(intruder).send().expect(200).body().path("data")))
                    .hasSize(1).doesNotContain(id);
            assertThat(ids(api.get("/v1/me?expand=addresses").as(intruder).send().expect(200).body().path("addresses")))
                    .hasSize(1).doesNotContain(id);
            assertThat(ids(api.get("/v1/me/export").as(intruder).send().expect(200).body().path("addresses")))
                    .hasSize(1).doesNotContain(id);
        }
        assertThat(ids(api.get("/v1/me/addresses").as(owner).send().expect(200).body().path("data")))
                .containsExactly(id);
    }

    @Test
    void routesWhenOwnersTokenUnderOtherTenantsKeyThenInvalidToken() {
        String otherKey = otherTenantCustomer.tenant().pk();
        List<Function<String, Api.Call>> calls = List.of(
                path -> api.get(path), path -> api.patch(path).body(Map.of("city", "X")), path -> api.delete(path));
        for (var call : calls) {
            call.apply("/v1/me/addresses/" + id).key(otherKey).bearer(owner.accessToken()).send()
                    .expect(401, "invalid_token");
        }
        api.get("/v1/me/addresses").key(otherKey).bearer(owner.accessToken()).send().expect(401, "invalid_token");
        assertOwnersAddressUnchanged();
    }

    @Test
    void routesWhenUnknownOrOversizedIdThenNotFound() {
        for (String unknown : List.of("adr_doesnotexist", "x".repeat(300), "%20")) {
            api.get("/v1/me/addresses/" + unknown).as(owner).send().expect(404, "not_found");
            api.patch("/v1/me/addresses/" + unknown).as(owner).body(Map.of("city", "X")).send().expect(404, "not_found");
            api.delete("/v1/me/addresses/" + unknown).as(owner).send().expect(404, "not_found");
            api.post("/v1/me/addresses/" + unknown + "/default").as(owner).body(Map.of("type", "billing")).send()
                    .expect(404, "not_found");
        }
    }

    private List<Fixtures.Shopper> intruders() {
        return List.of(otherCustomer, otherTenantCustomer);
    }

    private void assertOwnersAddressUnchanged() {
        assertThat(api.get("/v1/me/addresses/" + id).as(owner).send().expect(200).body()).isEqualTo(address);
        JsonNode me = api.get("/v1/me").as(owner).send().expect(200).body();
        assertThat(me.path("default_shipping_address_id").asText()).isEqualTo(id);
        assertThat(me.path("default_billing_address_id").asText()).isEqualTo(id);
    }

    private static List<String> ids(JsonNode addresses) {
        return addresses.findValuesAsText("id");
    }
}
