package dev.latchkey.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.Await;
import dev.latchkey.testing.DedicatedServer;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.WebhookReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhooks end to end: an action of the merchant or a shopper is recorded, queued in the same transaction and POSTed
 * by the worker to a real receiver on loopback, signed with the secret the merchant was shown. The server retries
 * quickly here, gives up after three attempts and disables a webhook after two events given up on.
 */
class WebhookDeliveryTest {
    @RegisterExtension
    static final DedicatedServer OWN = new DedicatedServer(Map.of("LATCHKEY_WEBHOOK_POLL_MS", "50",
            "LATCHKEY_WEBHOOK_RETRY_BASE_MS", "50", "LATCHKEY_WEBHOOK_RETRY_MAX_MS", "200",
            "LATCHKEY_WEBHOOK_MAX_ATTEMPTS", "3", "LATCHKEY_WEBHOOK_DISABLE_AFTER", "2"));

    private final Api api = OWN.api();
    private final WebhookReceiver receiver = WebhookReceiver.start();

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    private JsonNode webhook(Fixtures.Tenant tenant, List<String> events) {
        return api.post("/v1/admin/webhooks").bearer(tenant.sk())
                .body(Map.of("url", receiver.url(), "events", events)).send().expect(201).body();
    }

    private String adminCreatesCustomer(Fixtures.Tenant tenant) {
        return api.post("/v1/admin/customers").bearer(tenant.sk())
                .body(Map.of("email", Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD)).send().expect(201)
                .str("id");
    }

    private JsonNode deliveries(Fixtures.Tenant tenant, String webhookId) {
        return api.get("/v1/admin/webhooks/" + webhookId + "/deliveries").bearer(tenant.sk()).send().expect(200)
                .body().path("data");
    }

    private void awaitDeliveryStatus(Fixtures.Tenant tenant, String webhookId, String eventId, String status) {
        Await.until(() -> {
            for (JsonNode delivery : deliveries(tenant, webhookId)) {
                if (delivery.path("event_id").asText().equals(eventId)) {
                    return delivery.path("status").asText().equals(status);
                }
            }
            return false;
        }, 15_000, "delivery of " + eventId + " " + status);
    }

    @Test
    void adminCreatesCustomerWhenSubscribedThenReceiverGetsTheThinEventSignedWithTheShownSecret() {
        var tenant = Fixtures.tenant(api);
        JsonNode created = webhook(tenant, List.of("customer.created"));
        String secret = created.path("secret").asText();
        assertThat(secret).startsWith("whsec_");

        String customerId = adminCreatesCustomer(tenant);

        WebhookReceiver.Received request = receiver.awaitOne("customer.created");
        assertThat(WebhookReceiver.verifies(request, secret)).as("signature of %s", request.headers()).isTrue();
        assertThat(WebhookReceiver.verifies(request, secret + "x")).isFalse();
        JsonNode event = request.json();
        assertThat(event.path("type").asText()).isEqualTo("customer.created");
        assertThat(event.path("customer_id").asText()).isEqualTo(customerId);
        assertThat(event.path("id").asText()).startsWith("evt_").isEqualTo(request.header("Latchkey-Event-Id"));
        assertThat(event.path("data").path("by").asText()).isEqualTo("admin");
        assertThat(event.fieldNames()).toIterable()
                .containsExactlyInAnyOrder("id", "type", "created_at", "customer_id", "data");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        // the same event as the audit log shows it, without the client's address and user agent
        JsonNode audited = api.get("/v1/admin/audit?type=customer.created&customer_id=" + customerId)
                .bearer(tenant.sk()).send().expect(200).body().path("data").get(0);
        assertThat(audited.path("id").asText()).isEqualTo(event.path("id").asText());
        assertThat(audited.path("data")).isEqualTo(event.path("data"));
        assertThat(request.body()).doesNotContain(audited.path("ip").asText());

        String webhookId = created.path("id").asText();
        awaitDeliveryStatus(tenant, webhookId, event.path("id").asText(), "delivered");
        JsonNode delivery = deliveries(tenant, webhookId).get(0);
        assertThat(delivery.path("attempts").asInt()).isEqualTo(1);
        assertThat(delivery.path("last_status_code").asInt()).isEqualTo(200);
        assertThat(delivery.path("last_error").isNull()).isTrue();
        assertThat(delivery.path("next_attempt_at").isNull()).isTrue();
        assertThat(receiver.all()).hasSize(1);
    }

    @Test
    void eventsWhenFilteredThenEachWebhookGetsOnlyItsTypesAndStarGetsAll() {
        var tenant = Fixtures.tenant(api);
        String registrations = webhook(tenant, List.of("customer.registered")).path("id").asText();
        try (WebhookReceiver everything = WebhookReceiver.start()) {
            api.post("/v1/admin/webhooks").bearer(tenant.sk())
                    .body(Map.of("url", everything.url(), "events", List.of("*"))).send().expect(201);

            adminCreatesCustomer(tenant);
            var shopper = Fixtures.shopper(api, tenant);
            Fixtures.login(api, tenant, shopper.email(), shopper.password());

            WebhookReceiver.Received registered = receiver.awaitOne("customer.registered");
            assertThat(registered.json().path("customer_id").asText()).isEqualTo(shopper.customerId());
            everything.awaitOne("customer.created");
            everything.awaitOne("customer.registered");
            everything.awaitOne("login.succeeded");
            // the second webhook's own creation is an event too, and "*" subscribes to it
            everything.awaitOne("webhook.created");
            awaitDeliveryStatus(tenant, registrations, registered.eventId(), "delivered");
            assertThat(receiver.all()).as("only customer.registered").hasSize(1);
            assertThat(deliveries(tenant, registrations)).hasSize(1);
        }
    }

    @Test
    void receiverWhenAnswering500ThenRetriedWithTheSameEventAndDelivered() {
        var tenant = Fixtures.tenant(api);
        String webhookId = webhook(tenant, List.of("customer.created")).path("id").asText();
        receiver.answerNext(500);

        adminCreatesCustomer(tenant);

        List<WebhookReceiver.Received> tries = receiver.await("customer.created", 2);
        assertThat(tries.get(1).eventId()).isEqualTo(tries.get(0).eventId());
        awaitDeliveryStatus(tenant, webhookId, tries.get(0).eventId(), "delivered");
        JsonNode delivery = deliveries(tenant, webhookId).get(0);
        assertThat(delivery.path("attempts").asInt()).isEqualTo(2);
        assertThat(delivery.path("last_status_code").asInt()).isEqualTo(200);
        assertThat(delivery.path("delivered_at").asText()).isNotEmpty();
    }

    @Test
    void receiverWhenFailingEveryAttemptThenGivenUpAndAfterTwoEventsTheWebhookIsDisabled() {
        var tenant = Fixtures.tenant(api);
        String webhookId = webhook(tenant, List.of("customer.created")).path("id").asText();
        receiver.answerNext(500, 503, 500, 502, 500, 500);

        adminCreatesCustomer(tenant);
        String first = receiver.await("customer.created", 3).get(0).eventId();
        awaitDeliveryStatus(tenant, webhookId, first, "failed");
        JsonNode failed = deliveries(tenant, webhookId).get(0);
        assertThat(failed.path("attempts").asInt()).isEqualTo(3);
        assertThat(failed.path("last_status_code").asInt()).isEqualTo(500);
        assertThat(failed.path("last_error").asText()).isEqualTo("HTTP 500: receiver says 500");
        assertThat(api.get("/v1/admin/webhooks/" + webhookId).bearer(tenant.sk()).send().expect(200).body()
                .path("consecutive_failures").asInt()).isEqualTo(1);

        adminCreatesCustomer(tenant);
        Await.until(() -> "disabled".equals(api.get("/v1/admin/webhooks/" + webhookId).bearer(tenant.sk()).send()
                .expect(200).str("status")), 15_000, "the webhook is disabled");
        JsonNode disabled = api.get("/v1/admin/webhooks/" + webhookId).bearer(tenant.sk()).send().expect(200).body();
        assertThat(disabled.path("disabled_reason").asText()).isEqualTo("failing");
        JsonNode recorded = api.get("/v1/admin/audit?type=webhook.updated").bearer(tenant.sk()).send().expect(200)
                .body().path("data").get(0).path("data");
        assertThat(recorded.path("webhook_id").asText()).isEqualTo(webhookId);
        assertThat(recorded.path("reason").asText()).isEqualTo("failing");

        // enabled again, the count starts afresh and events arrive
        var enabled = api.patch("/v1/admin/webhooks/" + webhookId).bearer(tenant.sk())
                .body(Map.of("status", "active")).send().expect(200);
        assertThat(enabled.body().path("consecutive_failures").asInt()).isZero();
        assertThat(enabled.body().path("disabled_reason").isNull()).isTrue();
        adminCreatesCustomer(tenant);
        receiver.await("customer.created", 7);
    }

    @Test
    void webhookWhenDisabledThenItGetsNothingAndAgainOnceEnabled() throws InterruptedException {
        var tenant = Fixtures.tenant(api);
        String webhookId = webhook(tenant, List.of("customer.created")).path("id").asText();
        api.patch("/v1/admin/webhooks/" + webhookId).bearer(tenant.sk()).body(Map.of("status", "disabled"))
                .send().expect(200);

        adminCreatesCustomer(tenant);
        // a webhook enabled meanwhile on the same server is told, so the worker has run past the event
        try (WebhookReceiver other = WebhookReceiver.start()) {
            api.post("/v1/admin/webhooks").bearer(tenant.sk())
                    .body(Map.of("url", other.url(), "events", List.of("customer.created"))).send().expect(201);
            adminCreatesCustomer(tenant);
            other.awaitOne("customer.created");
        }
        Thread.sleep(300);
        assertThat(receiver.all()).isEmpty();
        assertThat(deliveries(tenant, webhookId)).isEmpty();

        api.patch("/v1/admin/webhooks/" + webhookId).bearer(tenant.sk()).body(Map.of("status", "active"))
                .send().expect(200);
        String customerId = adminCreatesCustomer(tenant);
        assertThat(receiver.awaitOne("customer.created").json().path("customer_id").asText()).isEqualTo(customerId);
    }

    @Test
    void secretWhenRotatedThenDeliveriesAreSignedWithTheNewOneAndDuringAnOverlapWithBoth() {
        var tenant = Fixtures.tenant(api);
        JsonNode created = webhook(tenant, List.of("customer.created"));
        String id = created.path("id").asText();
        String first = created.path("secret").asText();

        JsonNode rotated = api.post("/v1/admin/webhooks/" + id + "/secret").bearer(tenant.sk()).send().expect(200)
                .body();
        String second = rotated.path("secret").asText();
        assertThat(second).startsWith("whsec_").isNotEqualTo(first);
        assertThat(rotated.path("previous_secret_expires_at").isNull()).isTrue();
        adminCreatesCustomer(tenant);
        WebhookReceiver.Received afterRotation = receiver.awaitOne("customer.created");
        assertThat(WebhookReceiver.verifies(afterRotation, second)).isTrue();
        assertThat(WebhookReceiver.verifies(afterRotation, first)).as("the old secret stops at once").isFalse();

        JsonNode overlapping = api.post("/v1/admin/webhooks/" + id + "/secret").bearer(tenant.sk())
                .body(Map.of("previous_secret_ttl", 3600)).send().expect(200).body();
        String third = overlapping.path("secret").asText();
        assertThat(overlapping.path("previous_secret_expires_at").asText()).isNotEmpty();
        adminCreatesCustomer(tenant);
        WebhookReceiver.Received duringOverlap = receiver.await("customer.created", 2).get(1);
        assertThat(duringOverlap.header("Latchkey-Signature")).matches("t=\\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}");
        assertThat(WebhookReceiver.verifies(duringOverlap, third)).isTrue();
        assertThat(WebhookReceiver.verifies(duringOverlap, second)).as("the previous one still signs").isTrue();
        assertThat(WebhookReceiver.verifies(duringOverlap, first)).isFalse();
    }

    /** A receiver that takes the connection and never answers holds up its own webhook only, not another shop's. */
    @Test
    void receiverWhenItNeverAnswersThenAnotherShopsDeliveriesGoOutMeanwhile() throws Exception {
        var slowShop = Fixtures.tenant(api);
        var otherShop = Fixtures.tenant(api);
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread.ofVirtual().start(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept());
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            api.post("/v1/admin/webhooks").bearer(slowShop.sk()).body(Map.of("url",
                    "http://127.0.0.1:" + silent.getLocalPort() + "/hooks", "events", List.of("customer.created")))
                    .send().expect(201);
            webhook(otherShop, List.of("customer.created"));

            adminCreatesCustomer(slowShop);
            Await.until(() -> !held.isEmpty(), 5_000, "the silent receiver's connection");
            long start = System.nanoTime();
            adminCreatesCustomer(otherShop);

            receiver.awaitOne("customer.created");
            // the silent receiver's request runs up to the 10-second timeout; the other shop does not wait for it
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void tenantWhenSuspendedThenDeliveriesWaitAndGoOutOnceItIsReactivated() throws InterruptedException {
        var tenant = Fixtures.tenant(api);
        String webhookId = webhook(tenant, List.of("tenant.suspended", "tenant.reactivated")).path("id").asText();

        Fixtures.status(api, tenant.id(), "suspended");
        Thread.sleep(500); // ten retry intervals
        assertThat(receiver.all()).isEmpty();
        // held out of the worker's way, not tried again and again
        List<String> statuses = OWN.server().app.database().read(h -> h.createQuery("SELECT status "
                + "FROM webhook_deliveries WHERE tenant_id = :tenant").bind("tenant", tenant.id())
                .mapTo(String.class).list());
        assertThat(statuses).containsExactly("held");
        Fixtures.status(api, tenant.id(), "active");

        String suspended = receiver.awaitOne("tenant.suspended").eventId();
        String reactivated = receiver.awaitOne("tenant.reactivated").eventId();
        awaitDeliveryStatus(tenant, webhookId, suspended, "delivered");
        // the receiver has it before the worker records its answer
        awaitDeliveryStatus(tenant, webhookId, reactivated, "delivered");
        assertThat(deliveries(tenant, webhookId)).allSatisfy(delivery ->
                assertThat(delivery.path("attempts").asInt()).as("no attempt counted while held").isEqualTo(1));
    }

    @Test
    void tenantWithoutWebhooksWhenItsShoppersActThenNothingIsQueuedAndNoOtherTenantHearsOfIt() throws Exception {
        var quiet = Fixtures.tenant(api);
        var listening = Fixtures.tenant(api);
        webhook(listening, List.of("*"));
        var shopper = Fixtures.shopper(api, quiet);
        Fixtures.login(api, quiet, shopper.email(), shopper.password());
        adminCreatesCustomer(listening);
        receiver.awaitOne("customer.created");

        try (var connection = OWN.server().app.database().dataSource().getConnection();
             var count = connection.prepareStatement("SELECT COUNT(*) FROM webhook_deliveries WHERE tenant_id = ?")) {
            count.setString(1, quiet.id());
            try (var rows = count.executeQuery()) {
                rows.next();
                assertThat(rows.getInt(1)).isZero();
            }
        }
        assertThat(receiver.all()).allSatisfy(request ->
                assertThat(request.json().path("customer_id").asText()).isNotEqualTo(shopper.customerId()));
    }
}
