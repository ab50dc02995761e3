package dev.latchkey.db;

import dev.latchkey.testing.TestDatabases;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * V57: a text column holds as many characters as the service lets into it on both databases, emoji (two UTF-16 units
 * each, which H2 counts) included, and no more on PostgreSQL, which counts characters. Rows of before keep their text,
 * and a column that was required stays required.
 */
class TextColumnsInCharactersMigrationTest {
    private static final String EMOJI = "\uD83D\uDE00";

    @Test
    void migrateWhenTenantsExistThenTheyKeepTheirNamesAndANameOfTwoHundredEmojiFits() {
        try (var old = new OldSchema("52")) {
            old.jdbi.useHandle(h -> OldSchema.tenant(h, "ten_1"));

            old.upgrade();

            old.jdbi.useHandle(h -> {
                assertThat(name(h)).isEqualTo("Shop");
                rename(h, EMOJI.repeat(200));
                assertThat(name(h)).isEqualTo(EMOJI.repeat(200));
                assertThatThrownBy(() -> rename(h, null)).as("still required");
                if (TestDatabases.postgres()) {
                    assertThatThrownBy(() -> rename(h, EMOJI.repeat(201))).as("PostgreSQL's limit, in characters");
                }
            });
        }
    }

    private static String name(Handle h) {
        return h.createQuery("SELECT name FROM tenants WHERE id = 'ten_1'").mapTo(String.class).one();
    }

    private static void rename(Handle h, String name) {
        h.createUpdate("UPDATE tenants SET name = :name WHERE id = 'ten_1'").bind("name", name).execute();
    }
}
