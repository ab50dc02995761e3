package dev.latchkey.webhook;

import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestClock;
import dev.latchkey.testing.TestDatabases;
import dev.latchkey.testing.TestNode;
import dev.latchkey.testing.WebhookReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes on one database: the first to sign records its webhook key's fingerprint, and a node started with another
 * key shows no secret (503) and sends nothing, rather than signatures that would not verify.
 */
class WebhookSigningKeyTest {
    private static TestNode first;
    private static TestNode other;

    @BeforeAll
    static void startTwoNodesWithDifferentKeys() {
        var database = TestDatabases.create();
        var clock = new TestClock();
        first = TestNode.start(database, clock, Map.of("LATCHKEY_WEBHOOK_KEY", key('a')));
        other = TestNode.start(database, clock, Map.of("LATCHKEY_WEBHOOK_KEY", key('b')));
    }

    @AfterAll
    static void stopNodes() {
        TestNode.closeAll(first, other);
    }

    private static String key(char fill) {
        return Base64.getUrlEncoder().encodeToString(String.valueOf(fill).repeat(32).getBytes());
    }

    @Test
    void nodeWithAnotherKeyWhenAskedForASecretThen503AndItsPeerWithTheRecordedKeyDelivers() {
        var tenant = Fixtures.tenant(first.api);
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            var created = first.api.post("/v1/admin/webhooks").bearer(tenant.sk())
                    .body(Map.of("url", receiver.url(), "events", List.of("customer.created"))).send().expect(201);
            String id = created.str("id");

            var refused = other.api.post("/v1/admin/webhooks/" + id + "/secret").bearer(tenant.sk()).send()
                    .expect(503, "signing_key_mismatch");
            assertThat(refused.header("Retry-After")).isNotNull();
            other.api.post("/v1/admin/webhooks").bearer(tenant.sk())
                    .body(Map.of("url", receiver.url(), "events", List.of("*"))).send()
                    .expect(503, "signing_key_mismatch");
            other.api.get("/v1/admin/webhooks/" + id).bearer(tenant.sk()).send().expect(200);

            other.api.post("/v1/admin/customers").bearer(tenant.sk())
                    .body(Map.of("email", Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD)).send().expect(201);
            var delivered = receiver.awaitOne("customer.created");
            assertThat(WebhookReceiver.verifies(delivered, created.str("secret"))).isTrue();
        }
    }
}
