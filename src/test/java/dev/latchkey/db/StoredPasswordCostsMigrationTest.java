package dev.latchkey.db;

import dev.latchkey.config.Config;
import dev.latchkey.credential.HashCost;
import org.assertj.core.groups.Tuple;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * V70 gives every stored bcrypt hash, and every Argon2 hash but those of the configured cost, its cost, as the code
 * writes it for a new one, and makes those costs the shops' costs; a start after the cost was lowered gives the hashes
 * of the former cost theirs.
 */
class StoredPasswordCostsMigrationTest {
    private static final String SALT_AND_DIGEST = "$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA";
    /** A salt and a digest of the length Latchkey writes (32 bytes). */
    private static final String SALT_AND_FULL_DIGEST = "$c2FsdHNhbHRzYWx0$" + "A".repeat(42) + "E";
    private static final Config.Argon2 PHP = new Config.Argon2(65536, 4, 1);
    private static final Map<String, String> HASHES = Map.of(
            "cus_bcrypt12", "$2b$12$" + "a".repeat(53),
            "cus_bcrypt04", "$2y$04$" + "b".repeat(53),
            "cus_php", "$argon2id$v=19$m=65536,t=4,p=1" + SALT_AND_FULL_DIGEST,
            "cus_old", "$argon2i$m=4096,t=3,p=1" + SALT_AND_DIGEST,
            "cus_own", "$argon2id$v=19$m=19456,t=2,p=1" + SALT_AND_FULL_DIGEST);

    @Test
    void migrateWhenImportedHashesAreStoredThenTheyAndTheirShopsHaveTheirCosts() {
        try (var old = withHashes()) {
            old.upgrade();

            Map<String, String> expected = new HashMap<>();
            HASHES.forEach((id, hash) -> expected.put(id, HashCost.of(hash).orElseThrow()));
            expected.put("cus_own", null);
            expected.put("cus_again", "bcrypt:12");
            expected.put("cus_none", null);
            expected.put("cus_mine", null);
            assertThat(costs(old)).isEqualTo(expected);
            assertThat(expected).containsEntry("cus_php", "argon2:m=65536,t=4,p=1")
                    .containsEntry("cus_bcrypt04", "bcrypt:04");

            assertThat(shopCosts(old)).containsExactly(
                    tuple("ten_1", "argon2:m=4096,t=3,p=1"),
                    tuple("ten_1", "argon2:m=65536,t=4,p=1"),
                    tuple("ten_1", "bcrypt:04"),
                    tuple("ten_1", "bcrypt:12"),
                    tuple("ten_2", "bcrypt:12"));
        }
    }

    /**
     * With other Argon2 parameters configured, Latchkey's own hashes are those of these parameters: an Argon2 hash of
     * the default cost is an imported one then, and one of the configured cost is not.
     */
    @Test
    void migrateWhenOtherArgon2ParametersAreConfiguredThenHashesOfThemAreOwnAndThoseOfTheDefaultOnesAreNot() {
        try (var old = withHashes()) {
            old.upgrade(PHP);

            Map<String, String> stored = costs(old);
            assertThat(stored).containsEntry("cus_php", null)
                    .containsEntry("cus_own", "argon2:m=19456,t=2,p=1")
                    .containsEntry("cus_mine", "argon2:m=19456,t=2,p=1")
                    .containsEntry("cus_bcrypt12", "bcrypt:12")
                    .containsEntry("cus_old", "argon2:m=4096,t=3,p=1")
                    .containsEntry("cus_none", null);
            assertThat(shopCosts(old)).containsExactly(
                    tuple("ten_1", "argon2:m=19456,t=2,p=1"),
                    tuple("ten_1", "argon2:m=4096,t=3,p=1"),
                    tuple("ten_1", "bcrypt:04"),
                    tuple("ten_1", "bcrypt:12"),
                    tuple("ten_2", "bcrypt:12"),
                    tuple("ten_3", "argon2:m=19456,t=2,p=1"));
        }
    }

    /**
     * A start with a cost lowered since the migration gives the hashes of the former cost theirs, which is then costlier
     * than Latchkey's own; one with the same parameters changes nothing.
     */
    @Test
    void startWhenTheArgon2CostWasLoweredThenTheHashesOfTheFormerCostGetTheirCost() {
        try (var old = withHashes()) {
            old.upgrade(PHP);
            old.start(PHP);
            assertThat(costs(old)).containsEntry("cus_php", null);

            old.start(Config.Argon2.OWASP);

            Map<String, String> stored = costs(old);
            assertThat(stored).containsEntry("cus_php", "argon2:m=65536,t=4,p=1")
                    .containsEntry("cus_own", "argon2:m=19456,t=2,p=1")
                    .containsEntry("cus_bcrypt12", "bcrypt:12")
                    .containsEntry("cus_none", null);
            assertThat(shopCosts(old)).contains(tuple("ten_1", "argon2:m=65536,t=4,p=1"));
            assertThat(recordedMemory(old)).containsExactly(Config.Argon2.OWASP.memoryKib());
        }
    }

    /**
     * A start with a raised cost leaves the hashes of the former cost without one: they verify no slower than
     * Latchkey's own, which every refusal waits for already.
     */
    @Test
    void startWhenTheArgon2CostWasRaisedThenTheHashesOfTheFormerCostStayWithoutOne() {
        try (var old = withHashes()) {
            old.upgrade();

            old.start(PHP);

            Map<String, String> stored = costs(old);
            assertThat(stored).containsEntry("cus_own", null).containsEntry("cus_mine", null)
                    .containsEntry("cus_php", "argon2:m=65536,t=4,p=1");
            assertThat(shopCosts(old)).doesNotContain(tuple("ten_3", "argon2:m=19456,t=2,p=1"));
            assertThat(recordedMemory(old)).containsExactly(PHP.memoryKib());
        }
    }

    /** More customers than a batch: each is read once and gets its cost. */
    @Test
    void migrateWhenMoreCustomersThanABatchThenEachGetsItsCost() {
        int customers = StoredPasswordCosts.BATCH * 2 + 3;
        try (var old = new OldSchema("62")) {
            old.jdbi.useHandle(h -> {
                OldSchema.tenant(h, "ten_a");
                OldSchema.tenant(h, "ten_b");
                for (int i = 0; i < customers; i++) {
                    customer(h, i % 2 == 0 ? "ten_a" : "ten_b", "cus_" + i, i % 3 == 0 ? HASHES.get("cus_own")
                            : HASHES.get("cus_bcrypt04"));
                }
            });

            old.upgrade();

            Map<String, String> stored = costs(old);
            assertThat(stored).hasSize(customers);
            for (int i = 0; i < customers; i++) {
                assertThat(stored.get("cus_" + i)).as("cus_" + i).isEqualTo(i % 3 == 0 ? null : "bcrypt:04");
            }
            assertThat(shopCosts(old)).containsExactly(tuple("ten_a", "bcrypt:04"), tuple("ten_b", "bcrypt:04"));
        }
    }

    private static OldSchema withHashes() {
        var old = new OldSchema("62");
        old.jdbi.useHandle(h -> {
            OldSchema.tenant(h, "ten_1");
            OldSchema.tenant(h, "ten_2");
            OldSchema.tenant(h, "ten_3");
            HASHES.forEach((id, hash) -> customer(h, "ten_1", id, hash));
            customer(h, "ten_2", "cus_again", HASHES.get("cus_bcrypt12"));
            customer(h, "ten_2", "cus_none", null);
            customer(h, "ten_3", "cus_mine", HASHES.get("cus_own"));
        });
        return old;
    }

    private static List<Integer> recordedMemory(OldSchema old) {
        return old.jdbi.withHandle(h -> h.createQuery("SELECT memory_kib FROM password_hash_parameters")
                .mapTo(Integer.class).list());
    }

    private static Map<String, String> costs(OldSchema old) {
        Map<String, String> stored = new HashMap<>();
        old.jdbi.useHandle(h -> h.createQuery("SELECT id, password_cost FROM customers").map((rs, ctx) -> {
            stored.put(rs.getString("id"), rs.getString("password_cost"));
            return null;
        }).list());
        return stored;
    }

    private static List<Tuple> shopCosts(OldSchema old) {
        return old.jdbi.withHandle(h -> h.createQuery(
                        "SELECT tenant_id, cost FROM tenant_password_costs ORDER BY tenant_id, cost")
                .map((rs, ctx) -> tuple(rs.getString("tenant_id"), rs.getString("cost"))).list());
    }

    private static void customer(Handle h, String tenantId, String id, String hash) {
        h.createUpdate("INSERT INTO customers (tenant_id, id, email, email_verified, status, password_hash, "
                        + "accepts_marketing, attributes, created_at, updated_at, version) VALUES (:tenant, :id, "
                        + ":email, TRUE, 'active', :hash, FALSE, '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)")
                .bind("tenant", tenantId).bind("id", id).bind("email", id + "@example.com").bind("hash", hash)
                .execute();
    }
}
