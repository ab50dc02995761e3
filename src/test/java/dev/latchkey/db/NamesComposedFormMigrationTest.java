package dev.latchkey.db;

import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * V23 rewrites names stored decomposed (a "u" and a combining diaeresis) into the composed form names are stored in
 * now, with their search keys, so that a search typed either way finds them; other names are left as they are.
 */
class NamesComposedFormMigrationTest {
    private static final String DECOMPOSED = "Mu\u0308ller";
    private static final String COMPOSED = "M\u00fcller";

    @Test
    void migrateWhenNamesWereStoredDecomposedThenTheyAndTheirSearchKeysAreComposed() {
        try (var old = new OldSchema("22")) {
            old.jdbi.useHandle(h -> {
                OldSchema.tenant(h, "ten_1");
                customer(h, "cus_nfd", "Ju\u0308rgen", DECOMPOSED);
                customer(h, "cus_nfc", "J\u00fcrgen", COMPOSED);
                customer(h, "cus_ascii", "Ada", "Lovelace");
                customer(h, "cus_none", null, null);
                // composes into a longer text than the column holds: kept as it is
                customer(h, "cus_long", null, "\u0958".repeat(100));
            });

            old.upgrade();

            List<Map<String, Object>> rows = old.jdbi.withHandle(h -> h.createQuery(
                    "SELECT id, first_name, last_name, search_name, search_last_name FROM customers ORDER BY id")
                    .mapToMap().list());
            assertThat(rows).extracting(r -> r.get("id"), r -> r.get("first_name"), r -> r.get("last_name"),
                    r -> r.get("search_name"), r -> r.get("search_last_name")).containsExactly(
                    tuple("cus_ascii", "Ada", "Lovelace", "ada lovelace", "lovelace"),
                    tuple("cus_long", null, "\u0958".repeat(100), "\u0958".repeat(100), "\u0958".repeat(100)),
                    tuple("cus_nfc", "J\u00fcrgen", COMPOSED, "j\u00fcrgen m\u00fcller", "m\u00fcller"),
                    tuple("cus_nfd", "J\u00fcrgen", COMPOSED, "j\u00fcrgen m\u00fcller", "m\u00fcller"),
                    tuple("cus_none", null, null, null, null));
        }
    }

    /** A customer as the old code stored one: the search keys only lower-cased. */
    private static void customer(Handle h, String id, String first, String last) {
        String full = ((first == null ? "" : first) + " " + (last == null ? "" : last)).trim();
        h.createUpdate("INSERT INTO customers (tenant_id, id, email, email_verified, status, accepts_marketing, "
                        + "attributes, created_at, updated_at, version, first_name, last_name, search_name, "
                        + "search_last_name) VALUES ('ten_1', :id, :email, TRUE, 'active', FALSE, '{}', "
                        + "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, :first, :last, :search_name, :search_last)")
                .bind("id", id).bind("email", id + "@example.com").bind("first", first).bind("last", last)
                .bind("search_name", full.isEmpty() ? null : full.toLowerCase(java.util.Locale.ROOT))
                .bind("search_last", last == null ? null : last.toLowerCase(java.util.Locale.ROOT))
                .execute();
    }
}
