package dev.latchkey.oidc;

import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.NodesWithTwoServerKeys;
import dev.latchkey.testing.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes on one database, the second started with another server key: it refuses what would store or use a secret
 * it cannot encrypt as the others do (503 {@code server_key_mismatch}), and changes the rest of a provider.
 */
class IdentityProviderServerKeyTest {
    private static final String PATH = "/v1/admin/identity-providers";
    @RegisterExtension
    static final NodesWithTwoServerKeys nodes = new NodesWithTwoServerKeys();

    private static String pem() {
        return TestKeys.pem(TestKeys.p256(), "\n");
    }

    @Test
    void nodeWithAnotherServerKeyWhenASecretIsGivenThen503AndWhenOnlyClearFieldsChangeThenChanged() {
        var tenant = Fixtures.tenant(nodes.first());
        String id = nodes.first().post(PATH).bearer(tenant.sk()).body(Map.of("slug", "apple", "display_name", "Apple",
                        "issuer", "https://appleid.apple.com", "client_id", "com.example.shop",
                        "apple_team_id", "TEAM123456", "apple_key_id", "KEY1234567", "apple_private_key", pem()))
                .send().expect(201).str("id");

        var refused = nodes.other().post(PATH).bearer(tenant.sk()).body(Map.of("slug", "google",
                        "display_name", "Google", "issuer", "https://accounts.google.com", "client_id", "shop",
                        "client_secret", "s3cret"))
                .send().expect(503, "server_key_mismatch");
        assertThat(refused.header("Retry-After")).isNotNull();
        nodes.other().patch(PATH + "/" + id).bearer(tenant.sk()).body(Map.of("apple_private_key", pem())).send()
                .expect(503, "server_key_mismatch");
        nodes.other().patch(PATH + "/" + id).bearer(tenant.sk()).body(Map.of("client_secret", "s3cret")).send()
                .expect(503, "server_key_mismatch");

        // what the dashboard's change form sends for a rename: the ids of the key it keeps, no key
        var renamed = nodes.other().patch(PATH + "/" + id).bearer(tenant.sk()).body(Map.of("display_name", "Apple ID",
                "apple_team_id", "TEAM123456", "apple_key_id", "KEY7654321")).send().expect(200);

        assertThat(renamed.str("display_name")).isEqualTo("Apple ID");
        assertThat(renamed.str("apple_key_id")).isEqualTo("KEY7654321");
        assertThat(renamed.body().path("apple_private_key_set").asBoolean()).isTrue();
        assertThat(nodes.first().get(PATH + "/" + id).bearer(tenant.sk()).send().expect(200).str("display_name"))
                .isEqualTo("Apple ID");
    }
}
