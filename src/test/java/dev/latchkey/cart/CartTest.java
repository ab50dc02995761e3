package dev.latchkey.cart;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Concurrently;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

class CartTest extends ApiTest {
    private final Fixtures.Tenant tenant = Fixtures.tenant(api);
    private final CartCalls carts = new CartCalls(api, tenant);

    @Test
    void createWhenAnonymousThenEmptyCartWithoutCustomer() {
        var res = api.post("/v1/carts").key(tenant.pk()).bearer(carts.anonymous()).send().expect(201);
        assertThat(res.str("id")).startsWith("cart_");
        assertThat(res.body().path("items")).isEmpty();
        assertThat(res.body().path("customer_id").isNull()).isTrue();
        assertThat(res.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void createWhenCustomerThenCartCarriesCustomerIdAndEverySessionSeesIt() {
        var shopper = Fixtures.shopper(api, tenant);
        var res = api.post("/v1/carts").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(201);
        assertThat(res.str("customer_id")).isEqualTo(shopper.customerId());

        var otherSession = Fixtures.login(api, tenant, shopper.email(), shopper.password());
        assertThat(otherSession.authResult().path("cart_id").asText()).isEqualTo(res.str("id"));
        carts.get(otherSession.accessToken(), res.str("id")).expect(200);
    }

    @Test
    void createWhenCartAlreadyActiveThenSameCart() {
        String anonymous = carts.anonymous();
        String first = carts.open(anonymous);
        var again = api.post("/v1/carts").key(tenant.pk()).bearer(anonymous).send().expect(201);
        assertThat(again.str("id")).isEqualTo(first);

        var shopper = Fixtures.shopper(api, tenant);
        String customerCart = carts.open(shopper.accessToken());
        var customerAgain = api.post("/v1/carts").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(201);
        assertThat(customerAgain.str("id")).isEqualTo(customerCart).isNotEqualTo(first);
    }

    /**
     * The shopper opens a cart while their account is erased: the cart is opened before the erasure, which then
     * deletes it, or the request finds its token gone (401). No cart of the erased customer is left behind.
     */
    @Test
    void createWhileTheAccountIsErasedThenNoCartOfTheErasedCustomerIsLeft() {
        var erasing = Fixtures.tenant(api, Map.of("deletion_requires_confirmation", false));
        for (int round = 0; round < 20; round++) {
            var shopper = Fixtures.shopper(api, erasing);
            Callable<Api.Res> open = () -> api.post("/v1/carts").as(shopper).send();

            var answers = Concurrently.all(List.of(() -> api.delete("/v1/me").as(shopper).send(), open, open));

            answers.get(0).expect(204);
            for (var opened : answers.subList(1, answers.size())) {
                if (opened.status() != 201) {
                    opened.expect(401, "invalid_token");
                }
            }
            assertThat(cartsOf(erasing, shopper.customerId())).as("round %d", round).isZero();
        }
    }

    /**
     * Items put into the customer's cart while their account is erased: the erasure succeeds (an item added after it
     * deleted the cart's items made its delete of the cart fail with 500) and takes the cart; each put is either
     * done before it or finds the token gone.
     */
    @Test
    void putItemWhileTheAccountIsErasedThenErasedWithTheCart() {
        var erasing = Fixtures.tenant(api, Map.of("deletion_requires_confirmation", false));
        for (int round = 0; round < 20; round++) {
            var shopper = Fixtures.shopper(api, erasing);
            String cartId = api.post("/v1/carts").as(shopper).send().expect(201).str("id");
            api.put("/v1/carts/" + cartId + "/items/A").as(shopper).body(Map.of("quantity", 1)).send().expect(200);

            var answers = Concurrently.all(List.of(() -> api.delete("/v1/me").as(shopper).send(),
                    () -> api.put("/v1/carts/" + cartId + "/items/B").as(shopper).body(Map.of("quantity", 1)).send(),
                    () -> api.put("/v1/carts/" + cartId + "/items/C").as(shopper).body(Map.of("quantity", 1)).send()));

            answers.get(0).expect(204);
            for (var put : answers.subList(1, answers.size())) {
                if (put.status() != 200) {
                    put.expect(401, "invalid_token");
                }
            }
            assertThat(cartsOf(erasing, shopper.customerId())).as("round %d", round).isZero();
        }
    }

    /**
     * A read that meets the erasure between its token check and its query (the token still valid in the cache) ends
     * as every request that meets it does: the token is gone (401), not the cart (404).
     */
    @Test
    void getWhenTheCustomerWasErasedAfterTheTokenWasCheckedThenInvalidToken() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        String cartId = api.post("/v1/carts").as(shopper).send().expect(201).str("id");
        api.put("/v1/carts/" + cartId + "/items/A").as(shopper).body(Map.of("quantity", 1)).send().expect(200);
        // what the erasure deletes, deleted behind the token cache's back (which keeps the token for 30 s), as by an
        // erasure committing just after this request's token check
        server.app.database().tx(h -> {
            h.execute("DELETE FROM cart_items WHERE tenant_id = ?", tenant.id());
            h.execute("DELETE FROM carts WHERE tenant_id = ?", tenant.id());
            return h.execute("DELETE FROM customers WHERE tenant_id = ? AND id = ?", tenant.id(), shopper.customerId());
        });

        api.get("/v1/carts/" + cartId).as(shopper).send().expect(401, "invalid_token");
    }

    private int cartsOf(Fixtures.Tenant owner, String customerId) {
        return server.app.database().read(h -> h.createQuery("SELECT COUNT(*) FROM carts WHERE tenant_id = :tenant "
                        + "AND customer_id = :customer")
                .bind("tenant", owner.id()).bind("customer", customerId).mapTo(Integer.class).one());
    }

    @Test
    void createWithoutTokenThenUnauthorized() {
        api.post("/v1/carts").key(tenant.pk()).send().expect(401, "invalid_token");
        api.post("/v1/carts").bearer(carts.anonymous()).send().expect(401, "invalid_api_key");
    }

    @Test
    void putItemThenListedInOrderOfAdditionAndUpdatedAtMoves() {
        String token = carts.anonymous();
        var created = api.post("/v1/carts").key(tenant.pk()).bearer(token).send().expect(201);
        String cartId = created.str("id");
        server.clock.advance(Duration.ofSeconds(5));
        carts.put(token, cartId, "SKU-2", 2).expect(200);
        var res = carts.put(token, cartId, "sku_1.a", 1).expect(200);
        assertThat(CartCalls.items(res)).containsExactly(Map.entry("SKU-2", 2), Map.entry("sku_1.a", 1));
        assertThat(res.str("updated_at")).isNotEqualTo(created.str("updated_at"));
        assertThat(res.str("created_at")).isEqualTo(created.str("created_at"));
        assertThat(CartCalls.items(carts.get(token, cartId).expect(200))).isEqualTo(CartCalls.items(res));
    }

    @Test
    void putItemAgainThenQuantityReplacedAndZeroRemoves() {
        String token = carts.anonymous();
        String cartId = carts.cartWith(token, Map.of("A", 2));
        assertThat(CartCalls.items(carts.put(token, cartId, "A", 7).expect(200))).containsExactly(Map.entry("A", 7));
        assertThat(CartCalls.items(carts.put(token, cartId, "A", 0).expect(200))).isEmpty();
        assertThat(CartCalls.items(carts.put(token, cartId, "NEVER-ADDED", 0).expect(200))).isEmpty();
    }

    @Test
    void putItemWhenNothingChangesThenUpdatedAtStays() {
        String token = carts.anonymous();
        String cartId = carts.cartWith(token, Map.of("A", 2));
        String updated = carts.get(token, cartId).expect(200).str("updated_at");
        server.clock.advance(Duration.ofSeconds(5));

        assertThat(carts.put(token, cartId, "A", 2).expect(200).str("updated_at")).isEqualTo(updated);
        assertThat(carts.put(token, cartId, "NEVER-ADDED", 0).expect(200).str("updated_at")).isEqualTo(updated);
        assertThat(carts.put(token, cartId, "A", 3).expect(200).str("updated_at")).isNotEqualTo(updated);
    }

    @Test
    void putItemWhenQuantityAtBoundsThenAccepted() {
        String token = carts.anonymous();
        String cartId = carts.open(token);
        assertThat(CartCalls.items(carts.put(token, cartId, "A", 999).expect(200)))
                .containsExactly(Map.entry("A", 999));
        assertThat(CartCalls.items(carts.put(token, cartId, "A", 1).expect(200))).containsExactly(Map.entry("A", 1));
    }

    @Test
    void putItemWhenQuantityWrittenWithZeroFractionThenWholeNumber() {
        String token = carts.anonymous();
        String cartId = carts.open(token);
        var res = api.put("/v1/carts/" + cartId + "/items/A").key(tenant.pk()).bearer(token)
                .body("{\"quantity\": 3.0}").send().expect(200);
        assertThat(CartCalls.items(res)).containsExactly(Map.entry("A", 3));
        api.put("/v1/carts/" + cartId + "/items/A").key(tenant.pk()).bearer(token)
                .body("{\"quantity\": 2.000e0}").send().expect(200);
        assertThat(CartCalls.items(carts.get(token, cartId))).containsExactly(Map.entry("A", 2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1000", "1000.0", "\"2\"", "1.5", "2.0000001", "null", "true", "99999999999999999999"})
    void putItemWhenQuantityInvalidThenValidationFailedAndNothingChanged(String quantity) {
        String token = carts.anonymous();
        String cartId = carts.cartWith(token, Map.of("A", 2));
        var res = api.put("/v1/carts/" + cartId + "/items/A").key(tenant.pk()).bearer(token)
                .body("{\"quantity\": " + quantity + "}").send().expect(422, "validation_failed");
        assertThat(res.body().path("errors").get(0).path("field").asText()).isEqualTo("quantity");
        assertThat(CartCalls.items(carts.get(token, cartId))).containsExactly(Map.entry("A", 2));
    }

    @Test
    void putItemWhenQuantityMissingThenRequired() {
        String token = carts.anonymous();
        String cartId = carts.open(token);
        var res = api.put("/v1/carts/" + cartId + "/items/A").key(tenant.pk()).bearer(token).body(Map.of())
                .send().expect(422, "validation_failed");
        assertThat(res.body().path("errors").get(0).path("code").asText()).isEqualTo("required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a%20b", "a%2Fb", "...", "%C3%A9t%C3%A9", "a+b",
            "X1234567890123456789012345678901234567890123456789012345678901234"})
    void putItemWhenSkuInvalidThenValidationFailed(String sku) {
        String token = carts.anonymous();
        String cartId = carts.open(token);
        var res = api.put("/v1/carts/" + cartId + "/items/" + sku).key(tenant.pk()).bearer(token)
                .body(Map.of("quantity", 1)).send().expect(422, "validation_failed");
        assertThat(res.body().path("errors").get(0).path("field").asText()).isEqualTo("sku");
        assertThat(CartCalls.items(carts.get(token, cartId))).isEmpty();
    }

    @Test
    void putItemWhenSkuAtMaximumLengthThenAccepted() {
        String token = carts.anonymous();
        String sku = "X".repeat(Cart.MAX_SKU_LENGTH);
        assertThat(CartCalls.items(carts.put(token, carts.open(token), sku, 1).expect(200))).containsKey(sku);
    }

    @Test
    void putItemWhenMalformedJsonThenBadRequest() {
        String token = carts.anonymous();
        String cartId = carts.open(token);
        api.put("/v1/carts/" + cartId + "/items/A").key(tenant.pk()).bearer(token).body("{\"quantity\": ")
                .send().expect(400, "malformed_json");
        api.put("/v1/carts/" + cartId + "/items/A").key(tenant.pk()).bearer(token).body("[1]")
                .send().expect(400, "malformed_json");
    }

    @Test
    void getAndPutWhenOtherAnonymousSessionsCartThenNotFoundAndNothingChanged() {
        String owner = carts.anonymous();
        String cartId = carts.cartWith(owner, Map.of("A", 2));
        String stranger = carts.anonymous();
        carts.get(stranger, cartId).expect(404, "not_found");
        carts.put(stranger, cartId, "A", 9).expect(404, "not_found");
        assertThat(CartCalls.items(carts.get(owner, cartId).expect(200))).containsExactly(Map.entry("A", 2));
    }

    @Test
    void getAndPutWhenOtherCustomersCartThenNotFound() {
        var owner = Fixtures.shopper(api, tenant);
        String cartId = carts.cartWith(owner.accessToken(), Map.of("A", 2));
        var stranger = Fixtures.shopper(api, tenant);
        carts.get(stranger.accessToken(), cartId).expect(404, "not_found");
        carts.put(stranger.accessToken(), cartId, "A", 9).expect(404, "not_found");
        assertThat(CartCalls.items(carts.get(owner.accessToken(), cartId))).containsExactly(Map.entry("A", 2));
    }

    @Test
    void getWhenAnonymousSessionAsksForCustomersCartThenNotFound() {
        var owner = Fixtures.shopper(api, tenant);
        String cartId = carts.open(owner.accessToken());
        carts.get(carts.anonymous(), cartId).expect(404, "not_found");
    }

    @Test
    void getWhenCustomerAsksForAnonymousSessionsCartThenNotFound() {
        String cartId = carts.open(carts.anonymous());
        carts.get(Fixtures.shopper(api, tenant).accessToken(), cartId).expect(404, "not_found");
    }

    @Test
    void getAndPutWhenOtherTenantsCartThenNotFound() {
        String cartId = carts.cartWith(carts.anonymous(), Map.of("A", 2));
        var otherTenant = Fixtures.tenant(api);
        var otherCarts = new CartCalls(api, otherTenant);
        String otherToken = otherCarts.anonymous();
        otherCarts.get(otherToken, cartId).expect(404, "not_found");
        otherCarts.put(otherToken, cartId, "A", 9).expect(404, "not_found");
    }

    @Test
    void getWhenTokenOfOtherTenantThenInvalidToken() {
        String token = carts.anonymous();
        String cartId = carts.open(token);
        var otherTenant = Fixtures.tenant(api);
        api.get("/v1/carts/" + cartId).key(otherTenant.pk()).bearer(token).send().expect(401, "invalid_token");
    }

    @Test
    void getAndPutWhenUnknownCartThenNotFound() {
        String token = carts.anonymous();
        carts.get(token, "cart_doesnotexist").expect(404, "not_found");
        carts.put(token, "cart_doesnotexist", "A", 1).expect(404, "not_found");
    }

    @Test
    void putItemWhenCartHoldsMaximumSkusThenCartFullButExistingSkusStillChange() {
        String token = carts.anonymous();
        String cartId = carts.open(token);
        Map<String, Integer> expected = new HashMap<>();
        for (int i = 0; i < Cart.MAX_LINES; i++) {
            carts.put(token, cartId, "S" + i, 1).expect(200);
            expected.put("S" + i, 1);
        }
        carts.put(token, cartId, "ONE-TOO-MANY", 1).expect(422, "cart_full");
        var res = carts.put(token, cartId, "S0", 5).expect(200);
        expected.put("S0", 5);
        assertThat(CartCalls.items(res)).isEqualTo(expected);
    }
}
