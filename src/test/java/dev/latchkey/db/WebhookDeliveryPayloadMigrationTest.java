package dev.latchkey.db;

import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V39: a delivery still waiting takes its payload from its audit event; one whose event was purged already is given up
 * on, as the worker did before; one done with keeps no copy.
 */
class WebhookDeliveryPayloadMigrationTest {
    @Test
    void migrateWhenDeliveriesWaitThenTheyCarryTheirEventAndThoseWithoutOneAreGivenUpOn() {
        try (var old = new OldSchema("36")) {
            old.jdbi.useHandle(h -> {
                OldSchema.tenant(h, "ten_1");
                event(h, "evt_pending", "cus_1", "{\"by\":\"admin\"}");
                event(h, "evt_held", null, "{}");
                event(h, "evt_delivered", "cus_2", "{}");
                delivery(h, "evt_pending", "pending");
                delivery(h, "evt_held", "held");
                delivery(h, "evt_delivered", "delivered");
                delivery(h, "evt_purged", "pending");
            });

            old.upgrade();

            Map<String, Map<String, Object>> rows = old.jdbi.withHandle(h -> h.createQuery(
                            "SELECT event_id, status, customer_id, data, last_error FROM webhook_deliveries")
                    .mapToMap().list()).stream()
                    .collect(Collectors.toMap(row -> (String) row.get("event_id"), row -> row));
            assertThat(rows.get("evt_pending")).containsEntry("status", "pending").containsEntry("customer_id", "cus_1")
                    .containsEntry("data", "{\"by\":\"admin\"}");
            assertThat(rows.get("evt_held")).containsEntry("status", "held").containsEntry("customer_id", null)
                    .containsEntry("data", "{}");
            assertThat(rows.get("evt_delivered")).containsEntry("status", "delivered").containsEntry("data", null);
            assertThat(rows.get("evt_purged")).containsEntry("status", "failed").containsEntry("data", null)
                    .containsEntry("last_error", "not delivered: the event was purged from the audit log first");
        }
    }

    private static void event(Handle h, String id, String customerId, String data) {
        h.createUpdate("INSERT INTO audit_events (tenant_id, id, customer_id, type, data, created_at) "
                        + "VALUES ('ten_1', :id, :customer, 'customer.created', :data, CURRENT_TIMESTAMP)")
                .bind("id", id).bind("customer", customerId).bind("data", data).execute();
    }

    private static void delivery(Handle h, String eventId, String status) {
        h.createUpdate("INSERT INTO webhook_deliveries (tenant_id, webhook_id, event_id, event_type, status, "
                        + "next_attempt_at, created_at) "
                        + "VALUES ('ten_1', 'whk_1', :event, 'customer.created', :status, CURRENT_TIMESTAMP, "
                        + "CURRENT_TIMESTAMP)")
                .bind("event", eventId).bind("status", status).execute();
    }
}
