package dev.latchkey.db;

import dev.latchkey.auth.Permission;
import dev.latchkey.http.Json;
import dev.latchkey.tenant.ApiKey;
import dev.latchkey.tenant.TenantStore;
import dev.latchkey.testing.TestDatabases;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** V32: the keys made before scopes existed keep doing what they did, a secret key everything. */
class ApiKeyScopesMigrationTest {
    @Test
    void migrateWhenKeysWereMadeBeforeScopesThenTheSecretOneHoldsEveryScopeAndThePublishableNone() {
        try (var old = new OldSchema("31")) {
            old.jdbi.useHandle(h -> {
                OldSchema.tenant(h, "ten_1");
                key(h, "key_secret", "secret");
                key(h, "key_publishable", "publishable");
            });

            old.upgrade();

            var store = new TenantStore(Json.mapper(), TestDatabases.postgres());
            ApiKey secret = old.jdbi.withHandle(h -> store.findKeyById(h, "ten_1", "key_secret")).orElseThrow();
            ApiKey publishable = old.jdbi.withHandle(h -> store.findKeyById(h, "ten_1", "key_publishable"))
                    .orElseThrow();
            assertThat(secret.scopes()).isEqualTo(Permission.all());
            assertThat(secret.fullScope()).isTrue();
            assertThat(publishable.scopes()).isEmpty();
            int fullScope = old.jdbi.withHandle(h -> store.activeFullScopeKeys(h, "ten_1"));
            assertThat(fullScope).isEqualTo(1);
        }
    }

    private static void key(Handle h, String id, String kind) {
        h.createUpdate("INSERT INTO api_keys (id, tenant_id, kind, key_hash, hint, created_at) "
                        + "VALUES (:id, 'ten_1', :kind, :id, 'abcd', CURRENT_TIMESTAMP)")
                .bind("id", id).bind("kind", kind).execute();
    }
}
