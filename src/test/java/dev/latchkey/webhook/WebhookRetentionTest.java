package dev.latchkey.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.Await;
import dev.latchkey.testing.DedicatedServer;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestServer;
import dev.latchkey.testing.WebhookReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit log's retention (a day here) is shorter than a delivery's retries: a delivery queued before its event was
 * purged still sends that event, since it carries its own copy from the moment it was queued. On a server of its own,
 * whose clock moves days.
 */
class WebhookRetentionTest {
    @RegisterExtension
    static final DedicatedServer OWN = new DedicatedServer(Map.of("LATCHKEY_AUDIT_RETENTION_DAYS", "1",
            "LATCHKEY_WEBHOOK_POLL_MS", "50"));
    private final TestServer server = OWN.server();
    private final Api api = OWN.api();

    private JsonNode delivery(Fixtures.Tenant tenant, String webhookId) {
        return api.get("/v1/admin/webhooks/" + webhookId + "/deliveries").bearer(tenant.sk()).send().expect(200)
                .body().path("data").path(0);
    }

    private Optional<String> storedCopy(Fixtures.Tenant tenant, String eventId) {
        return server.app.database().read(h -> h.createQuery("SELECT data FROM webhook_deliveries "
                        + "WHERE tenant_id = :tenant AND event_id = :event")
                .bind("tenant", tenant.id()).bind("event", eventId).mapTo(String.class).findOne());
    }

    @Test
    void eventWhenPurgedByRetentionWhileItsDeliveryIsRetriedThenTheDeliveryStillSendsIt() {
        var tenant = Fixtures.tenant(api);
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.answerNext(500, 500);
            String webhookId = api.post("/v1/admin/webhooks").bearer(tenant.sk())
                    .body(Map.of("url", receiver.url(), "events", List.of("customer.created"))).send().expect(201)
                    .str("id");
            String customerId = api.post("/v1/admin/customers").bearer(tenant.sk())
                    .body(Map.of("email", Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD)).send().expect(201)
                    .str("id");
            WebhookReceiver.Received refused = receiver.awaitOne("customer.created");
            Await.until(() -> delivery(tenant, webhookId).path("last_status_code").asInt() == 500, 15_000,
                    "the first attempt recorded");
            String eventId = refused.eventId();

            // the event passes the retention and is purged while the delivery is retried (refused once more)
            server.clock.advance(Duration.ofDays(2));
            assertThat(server.app.housekeeping().run().get("audit events past retention")).isPositive();
            assertThat(api.get("/v1/admin/audit?type=customer.created").bearer(tenant.sk()).send().expect(200)
                    .body().path("data")).isEmpty();
            Await.until(() -> delivery(tenant, webhookId).path("attempts").asInt() == 2, 15_000, "the second attempt");
            // the third attempt, surely after the purge, is answered
            server.clock.advance(Duration.ofMinutes(15));

            List<WebhookReceiver.Received> tries = receiver.await("customer.created", 3);
            Await.until(() -> delivery(tenant, webhookId).path("status").asText().equals("delivered"), 15_000,
                    "delivered");
            JsonNode sent = tries.get(2).json();
            assertThat(tries.get(2).body()).isEqualTo(refused.body());
            assertThat(sent.path("id").asText()).isEqualTo(eventId);
            assertThat(sent.path("customer_id").asText()).isEqualTo(customerId);
            assertThat(sent.path("data").path("by").asText()).isEqualTo("admin");
            assertThat(delivery(tenant, webhookId).path("attempts").asInt()).isEqualTo(3);
            assertThat(storedCopy(tenant, eventId)).as("a delivery done with keeps no copy of its event").isEmpty();
        }
    }
}
