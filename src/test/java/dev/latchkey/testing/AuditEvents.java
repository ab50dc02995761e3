package dev.latchkey.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A customer's audit trail as the merchant reads it: {@code GET /v1/admin/audit?customer_id=...}. */
public final class AuditEvents {
    private AuditEvents() {
    }

    /** The customer's events of this type (the {@code data} array), newest first. */
    public static JsonNode of(Api api, Fixtures.Tenant tenant, String customerId, String type) {
        return api.get("/v1/admin/audit?limit=100&customer_id=" + customerId + "&type=" + type).bearer(tenant.sk())
                .send().expect(200).body().path("data");
    }

    /** The one event of this type of the customer; fails when there is none or more than one. */
    public static JsonNode only(Api api, Fixtures.Tenant tenant, String customerId, String type) {
        JsonNode events = of(api, tenant, customerId, type);
        assertThat(events).as(type).hasSize(1);
        return events.get(0);
    }

    /** The types of the customer's latest 100 events, newest first. */
    public static List<String> types(Api api, Fixtures.Tenant tenant, String customerId) {
        List<String> types = new ArrayList<>();
        api.get("/v1/admin/audit?limit=100&customer_id=" + customerId).bearer(tenant.sk()).send().expect(200)
                .body().path("data").forEach(event -> types.add(event.path("type").asText()));
        return types;
    }
}
