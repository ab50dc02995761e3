package dev.latchkey.cart;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.Fixtures;

import java.util.LinkedHashMap;
import java.util.Map;

/** The cart calls most cart tests make, through the real server. */
final class CartCalls {
    private final Api api;
    private final Fixtures.Tenant tenant;

    CartCalls(Api api, Fixtures.Tenant tenant) {
        this.api = api;
        this.tenant = tenant;
    }

    /** A new anonymous session's access token. */
    String anonymous() {
        return api.post("/v1/anonymous").key(tenant.pk()).send().expect(201).str("access_token");
    }

    String open(String token) {
        return api.post("/v1/carts").key(tenant.pk()).bearer(token).send().expect(201).str("id");
    }

    Api.Res put(String token, String cartId, String sku, Object quantity) {
        return api.put("/v1/carts/" + cartId + "/items/" + sku).key(tenant.pk()).bearer(token)
                .body(Map.of("quantity", quantity)).send();
    }

    /** A cart of this owner holding these items, put in the order given. */
    String cartWith(String token, Map<String, Integer> items) {
        String cartId = open(token);
        items.forEach((sku, quantity) -> put(token, cartId, sku, quantity).expect(200));
        return cartId;
    }

    Api.Res get(String token, String cartId) {
        return api.get("/v1/carts/" + cartId).key(tenant.pk()).bearer(token).send();
    }

    /** The items of a cart answer as sku -> quantity, in the cart's order. */
    static Map<String, Integer> items(Api.Res cart) {
        Map<String, Integer> items = new LinkedHashMap<>();
        for (JsonNode item : cart.body().path("items")) {
            items.put(item.path("sku").asText(), item.path("quantity").asInt());
        }
        return items;
    }
}
