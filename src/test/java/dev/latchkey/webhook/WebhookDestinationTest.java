package dev.latchkey.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.Await;
import dev.latchkey.testing.DedicatedServer;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Problems;
import dev.latchkey.testing.WebhookReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With private destinations not allowed (production), a webhook must be https and resolve to public addresses only,
 * when it is saved and again before each delivery, so that a merchant cannot make the server call its own network.
 */
class WebhookDestinationTest {
    @RegisterExtension
    static final DedicatedServer OWN = new DedicatedServer(Map.of("LATCHKEY_WEBHOOK_ALLOW_PRIVATE", "false",
            "LATCHKEY_WEBHOOK_POLL_MS", "50"));
    /** example.com's former address: public, and never called here (no event it subscribes to is recorded). */
    private static final String PUBLIC = "https://93.184.216.34/hooks";

    private final Api api = OWN.api();

    private Api.Res create(Fixtures.Tenant tenant, String url) {
        return api.post("/v1/admin/webhooks").bearer(tenant.sk())
                .body(Map.of("url", url, "events", List.of("customer.created"))).send();
    }

    @Test
    void createWhenUrlIsPlainHttpOrPointsInsideThen422NamingUrl() {
        var tenant = Fixtures.tenant(api);
        Problems.assertInvalid(create(tenant, "http://93.184.216.34/hooks"), "url", "insecure");
        for (String inside : List.of("https://127.0.0.1/hooks", "https://localhost:8443/hooks", "https://10.1.2.3/",
                "https://172.16.0.1/", "https://192.168.1.10/", "https://169.254.169.254/latest/meta-data",
                "https://[::1]/hooks", "https://[fd00::1]/", "https://[fe80::1]/", "https://0.0.0.0/",
                "https://224.0.0.1/", "https://100.64.0.1/", "https://[::ffff:127.0.0.1]/",
                "https://[64:ff9b::a00:1]/", "https://2130706433/",
                // IPv6 forms that carry an inside IPv4 address (IPv4-translated, Teredo) or are no global unicast
                "https://[::ffff:0:7f00:1]/", "https://[::ffff:0:a9fe:a9fe]/",
                "https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "https://[2001::7f00:1]/", "https://[2001:10::1]/",
                "https://[2001:20::1]/", "https://[3fff::1]/", "https://[5f00::1]/", "https://192.88.99.1/")) {
            Problems.assertInvalid(create(tenant, inside), "url", "not_allowed");
        }
        // read as 177.0.0.1 here, as 127.0.0.1 by software that takes a leading zero for octal
        for (String ambiguous : List.of("https://0177.0.0.1/", "https://00177.0.0.1/", "https://10.01.0.1/")) {
            Problems.assertInvalid(create(tenant, ambiguous), "url", "invalid");
        }
        Problems.assertInvalid(create(tenant, "https://no-such-host.invalid/hooks"), "url", "unresolvable");
        assertThat(api.get("/v1/admin/webhooks").bearer(tenant.sk()).send().expect(200).body().path("data")).isEmpty();
    }

    @Test
    void patchWhenUrlPointsInsideThen422AndTheUrlStays() {
        var tenant = Fixtures.tenant(api);
        String id = create(tenant, PUBLIC).expect(201).str("id");
        Problems.assertInvalid(api.patch("/v1/admin/webhooks/" + id).bearer(tenant.sk())
                .body(Map.of("url", "https://127.0.0.1/hooks")).send(), "url", "not_allowed");
        assertThat(api.get("/v1/admin/webhooks/" + id).bearer(tenant.sk()).send().expect(200).str("url"))
                .isEqualTo(PUBLIC);
    }

    /** A name may resolve elsewhere later than when it was saved: the address is checked before each delivery. */
    @Test
    void deliveryWhenTheDestinationIsNoLongerPublicThenNotSent() throws SQLException {
        var tenant = Fixtures.tenant(api);
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String id = create(tenant, PUBLIC).expect(201).str("id");
            // what a DNS record changed since would do: the stored destination is now on loopback
            try (var connection = OWN.server().app.database().dataSource().getConnection();
                 var update = connection.prepareStatement("UPDATE webhooks SET url = ? WHERE tenant_id = ? AND id = ?")) {
                update.setString(1, receiver.url().replace("http:", "https:"));
                update.setString(2, tenant.id());
                update.setString(3, id);
                assertThat(update.executeUpdate()).isEqualTo(1);
            }

            api.post("/v1/admin/customers").bearer(tenant.sk())
                    .body(Map.of("email", Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD)).send().expect(201);

            Await.until(() -> deliveries(tenant, id).path(0).path("attempts").asInt() >= 1, 15_000, "an attempt");
            JsonNode delivery = deliveries(tenant, id).get(0);
            assertThat(delivery.path("status").asText()).isEqualTo("pending");
            assertThat(delivery.path("last_error").asText()).contains("not sent").contains("not public");
            assertThat(delivery.path("last_status_code").isNull()).isTrue();
            assertThat(receiver.all()).isEmpty();
        }
    }

    private JsonNode deliveries(Fixtures.Tenant tenant, String id) {
        return api.get("/v1/admin/webhooks/" + id + "/deliveries").bearer(tenant.sk()).send().expect(200).body()
                .path("data");
    }
}
