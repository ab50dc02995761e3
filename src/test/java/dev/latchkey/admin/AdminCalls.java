package dev.latchkey.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.Fixtures;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The merchant's customer calls, with the tenant's secret key. */
final class AdminCalls {
    private final Api api;
    private final Fixtures.Tenant tenant;

    AdminCalls(Api api, Fixtures.Tenant tenant) {
        this.api = api;
        this.tenant = tenant;
    }

    /** Creates an active customer with the fixture password and these fields; returns the Customer. */
    JsonNode customer(Map<String, Object> fields) {
        Map<String, Object> body = new HashMap<>(Map.of("email", Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD));
        body.putAll(fields);
        return api.post("/v1/admin/customers").bearer(tenant.sk()).body(body).send().expect(201).body();
    }

    Api.Res get(String id) {
        return api.get("/v1/admin/customers/" + id).bearer(tenant.sk()).send();
    }

    Api.Res patch(String id, Object body) {
        return api.patch("/v1/admin/customers/" + id).bearer(tenant.sk()).body(body).send();
    }

    Api.Res delete(String id) {
        return api.delete("/v1/admin/customers/" + id).bearer(tenant.sk()).send();
    }

    /** {@code GET /v1/admin/customers?...}; {@code params} is the query string without the question mark. */
    Api.Res list(String params) {
        return api.get("/v1/admin/customers?" + params).bearer(tenant.sk()).send();
    }

    /** Every page of a listing, following next_cursor; returns the ids in order. */
    List<String> walk(String params, int limit) {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            String page = params + "&limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor);
            JsonNode body = list(page).expect(200).body();
            assertThat(body.path("data").size()).as("page size").isLessThanOrEqualTo(limit);
            body.path("data").forEach(c -> ids.add(c.path("id").asText()));
            cursor = body.path("next_cursor").isNull() ? null : body.path("next_cursor").asText();
        } while (cursor != null);
        return ids;
    }

    /** Records a paid order for {@code email}; with {@code customerId} (nullable) it is that customer's. */
    /** Records a paid order; returns its guest token. */
    String order(String number, String email, String customerId) {
        Map<String, Object> body = new HashMap<>(Map.of("number", number, "email", email, "status", "paid",
                "currency", "EUR", "total", "9.95", "placed_at", "2026-05-08T13:00:00Z",
                "lines", List.of(Map.of("sku", "MUG-1", "name", "Mug", "quantity", 1, "unit_price", "9.95"))));
        if (customerId != null) {
            body.put("customer_id", customerId);
        }
        return api.post("/v1/admin/orders").bearer(tenant.sk()).body(body).send().expect(201).str("order_token");
    }

    Api.Res login(String email, String password) {
        return api.post("/v1/auth/login").key(tenant.pk()).body(Map.of("email", email, "password", password)).send();
    }

    /** The audit events of the customer of one type, newest first. */
    JsonNode events(String customerId, String type) {
        return api.get("/v1/admin/audit?customer_id=" + customerId + "&type=" + type).bearer(tenant.sk())
                .send().expect(200).body().path("data");
    }
}
