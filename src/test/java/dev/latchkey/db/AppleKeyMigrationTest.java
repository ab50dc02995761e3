package dev.latchkey.db;

import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * V51: identity providers may hold an Apple signing key instead of a client secret. A provider of before keeps its
 * secret; from then on a row has the secret or the whole key, never both, never neither, never part of the key.
 */
class AppleKeyMigrationTest {
    @Test
    void migrateWhenProvidersHaveSecretsThenTheyKeepThemAndARowHoldsTheOneOrTheOther() {
        try (var old = new OldSchema("50")) {
            old.jdbi.useHandle(h -> {
                OldSchema.tenant(h, "ten_1");
                h.execute("INSERT INTO identity_providers (tenant_id, id, slug, display_name, issuer, client_id, "
                        + "client_secret, scopes, enabled, created_at, updated_at) VALUES ('ten_1', 'idp_old', 'old', "
                        + "'Old', 'https://idp.example', 'c', 'v1.secret', 'openid', TRUE, CURRENT_TIMESTAMP, "
                        + "CURRENT_TIMESTAMP)");
            });

            old.upgrade();

            old.jdbi.useHandle(h -> {
                Map<String, Object> kept = h.createQuery("SELECT client_secret, apple_private_key FROM "
                        + "identity_providers WHERE id = 'idp_old'").mapToMap().one();
                assertThat(kept.get("client_secret")).isEqualTo("v1.secret");
                assertThat(kept.get("apple_private_key")).isNull();
                insert(h, "idp_apple", null, "TEAM123456", "KEY1234567", "v1.key");
                assertThatThrownBy(() -> insert(h, "idp_both", "v1.secret", "TEAM123456", "KEY1234567", "v1.key"))
                        .as("both");
                assertThatThrownBy(() -> insert(h, "idp_none", null, null, null, null)).as("neither");
                assertThatThrownBy(() -> insert(h, "idp_part", null, null, "KEY1234567", "v1.key")).as("part");
            });
        }
    }

    private static void insert(Handle h, String id, String secret, String teamId, String keyId, String key) {
        h.createUpdate("INSERT INTO identity_providers (tenant_id, id, slug, display_name, issuer, client_id, "
                        + "client_secret, apple_team_id, apple_key_id, apple_private_key, scopes, enabled, created_at, "
                        + "updated_at) VALUES ('ten_1', :id, :id, 'Apple', 'https://appleid.apple.com', 'c', :secret, "
                        + ":team, :keyId, :key, 'openid', TRUE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
                .bind("id", id).bind("secret", secret).bind("team", teamId).bind("keyId", keyId).bind("key", key)
                .execute();
    }
}
