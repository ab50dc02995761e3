package dev.latchkey.order;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.Fixtures;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Valid order bodies, the admin calls that record them and the shopper's calls that read them. */
public final class OrderCalls {
    public static final Instant PLACED = Instant.parse("2026-05-08T13:00:00Z");

    private final Api api;
    private final Fixtures.Tenant tenant;

    public OrderCalls(Api api, Fixtures.Tenant tenant) {
        this.api = api;
        this.tenant = tenant;
    }

    /** A valid guest order body, mutable so tests can break one field. */
    public static Map<String, Object> body(String number, String email) {
        Map<String, Object> line = new LinkedHashMap<>(Map.of("sku", "MUG-1", "name", "Blue mug", "quantity", 2,
                "unit_price", "9.95"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("number", number);
        body.put("email", email);
        body.put("status", "paid");
        body.put("currency", "EUR");
        body.put("total", "19.90");
        body.put("lines", new ArrayList<>(List.of(line)));
        body.put("placed_at", PLACED.toString());
        return body;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> firstLine(Map<String, Object> body) {
        return ((List<Map<String, Object>>) body.get("lines")).get(0);
    }

    public static String number() {
        return Fixtures.uniqueId("R");
    }

    public Api.Res create(Map<String, Object> body) {
        return api.post("/v1/admin/orders").bearer(tenant.sk()).body(body).send();
    }

    /** Records a guest order placed with this email (as sent: the service normalises it); returns its number. */
    public String guest(String email) {
        String number = number();
        create(body(number, email)).expect(201);
        return number;
    }

    /** The numbers in {@code GET /v1/me/orders} of this access token's customer, newest first. */
    public List<String> mine(String accessToken) {
        return numbers(api.get("/v1/me/orders").key(tenant.pk()).bearer(accessToken).send().expect(200));
    }

    public Api.Res mineGet(String accessToken, String number) {
        return api.get("/v1/me/orders/" + number).key(tenant.pk()).bearer(accessToken).send();
    }

    /** The order numbers of a page of orders. */
    static List<String> numbers(Api.Res page) {
        List<String> numbers = new ArrayList<>();
        for (JsonNode order : page.body().path("data")) {
            numbers.add(order.path("number").asText());
        }
        return numbers;
    }

    /** Records an order of this customer placed at this instant; returns its number. */
    public String createFor(String customerId, Instant placedAt) {
        String number = number();
        Map<String, Object> body = body(number, Fixtures.uniqueEmail());
        body.put("customer_id", customerId);
        body.put("placed_at", placedAt.toString());
        create(body).expect(201);
        return number;
    }

    public Api.Res adminGet(String number) {
        return api.get("/v1/admin/orders/" + number).bearer(tenant.sk()).send();
    }

    Api.Res guestGet(String number, String orderToken) {
        var call = api.get("/v1/orders/" + number).key(tenant.pk());
        if (orderToken != null) {
            call.header("X-Order-Token", orderToken);
        }
        return call.send();
    }
}
