package dev.latchkey.webhook;

import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.NodesWithTwoServerKeys;
import dev.latchkey.testing.WebhookReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes on one database: the first to sign records its webhook key's fingerprint, and a node started with another
 * key shows no secret (503) and sends nothing, rather than signatures that would not verify.
 */
class WebhookSigningKeyTest {
    @RegisterExtension
    static final NodesWithTwoServerKeys nodes = new NodesWithTwoServerKeys();

    @Test
    void nodeWithAnotherKeyWhenAskedForASecretThen503AndItsPeerWithTheRecordedKeyDelivers() {
        var tenant = Fixtures.tenant(nodes.first());
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            var created = nodes.first().post("/v1/admin/webhooks").bearer(tenant.sk())
                    .body(Map.of("url", receiver.url(), "events", List.of("customer.created"))).send().expect(201);
            String id = created.str("id");

            var refused = nodes.other().post("/v1/admin/webhooks/" + id + "/secret").bearer(tenant.sk()).send()
                    .expect(503, "signing_key_mismatch");
            assertThat(refused.header("Retry-After")).isNotNull();
            nodes.other().post("/v1/admin/webhooks").bearer(tenant.sk())
                    .body(Map.of("url", receiver.url(), "events", List.of("*"))).send()
                    .expect(503, "signing_key_mismatch");
            nodes.other().get("/v1/admin/webhooks/" + id).bearer(tenant.sk()).send().expect(200);

            nodes.other().post("/v1/admin/customers").bearer(tenant.sk())
                    .body(Map.of("email", Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD)).send().expect(201);
            var delivered = receiver.awaitOne("customer.created");
            assertThat(WebhookReceiver.verifies(delivered, created.str("secret"))).isTrue();
        }
    }
}
