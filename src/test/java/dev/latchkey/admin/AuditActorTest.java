package dev.latchkey.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which credential an admin action was taken with: the secret key's id in {@code api_key_id} (a tenant may hold
 * several), or the staff member in {@code staff_id}; never both. The customer's own export shows neither.
 */
class AuditActorTest extends ApiTest {
    @Test
    void patchWhenTwoSecretKeysThenEachEventNamesItsOwnKey() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        var first = api.post("/v1/admin/api-keys").bearer(tenant.sk()).body(Map.of("kind", "secret")).send().expect(201);
        var second = api.post("/v1/admin/api-keys").bearer(tenant.sk()).body(Map.of("kind", "secret")).send()
                .expect(201);
        String path = "/v1/admin/customers/" + shopper.customerId();

        api.patch(path).bearer(first.str("key")).body(Map.of("first_name", "Ada")).send().expect(200);
        api.patch(path).bearer(second.str("key")).body(Map.of("first_name", "Grace")).send().expect(200);

        JsonNode events = AuditEvents.of(api, tenant, shopper.customerId(), "customer.updated");
        assertThat(events).hasSize(2);
        assertThat(events.get(0).path("api_key_id").asText()).isEqualTo(second.str("id"));
        assertThat(events.get(1).path("api_key_id").asText()).isEqualTo(first.str("id"));
        events.forEach(event -> {
            assertThat(event.path("staff_id").isNull()).as("staff_id of %s", event).isTrue();
            assertThat(event.path("data").path("by").asText()).isEqualTo("admin");
        });
    }

    @Test
    void adminActionWhenOriginalSecretKeyThenItsListedIdIsRecorded() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        String keyId = null;
        for (JsonNode key : api.get("/v1/admin/api-keys").bearer(tenant.sk()).send().expect(200).body().path("data")) {
            if (key.path("kind").asText().equals("secret")) {
                keyId = key.path("id").asText();
            }
        }
        assertThat(keyId).startsWith("key_");

        api.delete("/v1/admin/customers/" + shopper.customerId() + "/sessions").bearer(tenant.sk()).send().expect(204);

        JsonNode event = AuditEvents.only(api, tenant, shopper.customerId(), "session.revoked");
        assertThat(event.path("api_key_id").asText()).isEqualTo(keyId);
    }

    @Test
    void patchWhenStaffTokenThenEventNamesTheStaffMemberAndNoKey() {
        var shop = StaffFixtures.shop(api);
        var shopper = Fixtures.shopper(api, shop.tenant());
        String token = StaffFixtures.ownerToken(api, shop);

        api.patch("/v1/admin/customers/" + shopper.customerId()).bearer(token).body(Map.of("first_name", "Ada"))
                .send().expect(200);

        JsonNode event = AuditEvents.only(api, shop.tenant(), shopper.customerId(), "customer.updated");
        assertThat(event.path("staff_id").asText()).isEqualTo(shop.ownerId());
        assertThat(event.path("api_key_id").isNull()).isTrue();
    }

    /** The key is the merchant's bookkeeping, not the shopper's data: their export says the merchant acted, no more. */
    @Test
    void exportWhenSecretKeyActedThenKeyIdWithheld() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        api.patch("/v1/admin/customers/" + shopper.customerId()).bearer(tenant.sk()).body(Map.of("first_name", "Ada"))
                .send().expect(200);

        JsonNode exported = api.get("/v1/me/export").key(tenant.pk()).as(shopper).send().expect(200).body()
                .path("audit_events");
        List<JsonNode> updated = new ArrayList<>();
        exported.forEach(event -> {
            if (event.path("type").asText().equals("customer.updated")) {
                updated.add(event);
            }
        });
        assertThat(updated).hasSize(1);
        assertThat(updated.get(0).path("data").path("by").asText()).isEqualTo("admin");
        assertThat(updated.get(0).path("api_key_id").asText(null)).isNull();
        assertThat(updated.get(0).path("ip").asText(null)).isNull();
    }
}
