package dev.latchkey.db;

import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * V15 rewrites addresses stored before emails had one normal form, so that lookups in that form find them; where two
 * accounts of a tenant meet in one form, the second keeps its stored address.
 */
class EmailNormalFormMigrationTest {
    @Test
    void migrateWhenAddressesWereOnlyLowerCasedThenTheyTakeTheNormalFormUnlessAnotherAccountHasIt() {
        try (var old = new OldSchema("14")) {
            old.jdbi.useHandle(h -> {
                OldSchema.tenant(h, "ten_1");
                customer(h, "cus_wide", "\uff55ser@example.com");
                customer(h, "cus_idn", "ann@b\u00fccher.example");
                customer(h, "cus_ascii", "ada@example.com");
                customer(h, "cus_twin", "\uff41da@example.com"); // full-width: ada@example.com, already taken
                h.execute("INSERT INTO staff (tenant_id, id, email, role, password_hash, created_at, updated_at) "
                        + "VALUES ('ten_1', 'staff_1', 'boss@b\u00fccher.example', 'owner', 'x', CURRENT_TIMESTAMP, "
                        + "CURRENT_TIMESTAMP)");
            });

            old.upgrade();

            List<Map<String, Object>> customers = old.jdbi.withHandle(h -> h.createQuery(
                    "SELECT id, email FROM customers ORDER BY id").mapToMap().list());
            assertThat(customers).extracting(row -> row.get("id"), row -> row.get("email")).containsExactly(
                    tuple("cus_ascii", "ada@example.com"),
                    tuple("cus_idn", "ann@xn--bcher-kva.example"),
                    tuple("cus_twin", "\uff41da@example.com"),
                    tuple("cus_wide", "user@example.com"));
            String staffEmail = old.jdbi.withHandle(h -> h.createQuery("SELECT email FROM staff").mapTo(String.class)
                    .one());
            assertThat(staffEmail).isEqualTo("boss@xn--bcher-kva.example");
        }
    }

    private static void customer(Handle h, String id, String email) {
        h.createUpdate("INSERT INTO customers (tenant_id, id, email, email_verified, status, accepts_marketing, "
                        + "attributes, created_at, updated_at, version) VALUES ('ten_1', :id, :email, TRUE, 'active', "
                        + "FALSE, '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)")
                .bind("id", id).bind("email", email).execute();
    }
}
