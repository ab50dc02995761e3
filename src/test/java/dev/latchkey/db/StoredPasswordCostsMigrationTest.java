package dev.latchkey.db;

import dev.latchkey.credential.HashCost;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * V70 gives every stored bcrypt hash, and every Argon2 hash but those of the default cost, its cost, as the code
 * writes it for a new one, and makes those costs the shops' costs.
 */
class StoredPasswordCostsMigrationTest {
    private static final String SALT_AND_DIGEST = "$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA";
    private static final Map<String, String> HASHES = Map.of(
            "cus_bcrypt12", "$2b$12$" + "a".repeat(53),
            "cus_bcrypt04", "$2y$04$" + "b".repeat(53),
            "cus_php", "$argon2id$v=19$m=65536,t=4,p=1" + SALT_AND_DIGEST,
            "cus_old", "$argon2i$m=4096,t=3,p=1" + SALT_AND_DIGEST,
            "cus_own", "$argon2id$v=19$m=19456,t=2,p=1" + SALT_AND_DIGEST);

    @Test
    void migrateWhenImportedHashesAreStoredThenTheyAndTheirShopsHaveTheirCosts() {
        try (var old = new OldSchema("62")) {
            old.jdbi.useHandle(h -> {
                OldSchema.tenant(h, "ten_1");
                OldSchema.tenant(h, "ten_2");
                OldSchema.tenant(h, "ten_3");
                HASHES.forEach((id, hash) -> customer(h, "ten_1", id, hash));
                customer(h, "ten_2", "cus_again", HASHES.get("cus_bcrypt12"));
                customer(h, "ten_2", "cus_none", null);
                customer(h, "ten_3", "cus_mine", HASHES.get("cus_own"));
            });

            old.upgrade();

            Map<String, String> stored = new HashMap<>();
            old.jdbi.useHandle(h -> h.createQuery("SELECT id, password_cost FROM customers").map((rs, ctx) -> {
                stored.put(rs.getString("id"), rs.getString("password_cost"));
                return null;
            }).list());
            Map<String, String> expected = new HashMap<>();
            HASHES.forEach((id, hash) -> expected.put(id, HashCost.of(hash).orElseThrow()));
            expected.put("cus_own", null);
            expected.put("cus_again", "bcrypt:12");
            expected.put("cus_none", null);
            expected.put("cus_mine", null);
            assertThat(stored).isEqualTo(expected);
            assertThat(expected).containsEntry("cus_php", "argon2:m=65536,t=4,p=1")
                    .containsEntry("cus_bcrypt04", "bcrypt:04");

            List<Map<String, Object>> costs = old.jdbi.withHandle(h -> h.createQuery(
                    "SELECT tenant_id, cost FROM tenant_password_costs ORDER BY tenant_id, cost").mapToMap().list());
            assertThat(costs).extracting(row -> row.get("tenant_id"), row -> row.get("cost")).containsExactly(
                    tuple("ten_1", "argon2:m=4096,t=3,p=1"),
                    tuple("ten_1", "argon2:m=65536,t=4,p=1"),
                    tuple("ten_1", "bcrypt:04"),
                    tuple("ten_1", "bcrypt:12"),
                    tuple("ten_2", "bcrypt:12"));
        }
    }

    private static void customer(Handle h, String tenantId, String id, String hash) {
        h.createUpdate("INSERT INTO customers (tenant_id, id, email, email_verified, status, password_hash, "
                        + "accepts_marketing, attributes, created_at, updated_at, version) VALUES (:tenant, :id, "
                        + ":email, TRUE, 'active', :hash, FALSE, '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)")
                .bind("tenant", tenantId).bind("id", id).bind("email", id + "@example.com").bind("hash", hash)
                .execute();
    }
}
