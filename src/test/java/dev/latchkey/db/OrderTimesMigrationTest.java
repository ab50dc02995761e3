package dev.latchkey.db;

import dev.latchkey.http.Cursor;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V16 moves orders that an offset had carried outside the years a paging cursor holds (accepted before placed_at was
 * checked strictly) to the nearest such time, and leaves every other order as it was.
 */
class OrderTimesMigrationTest {
    @Test
    void migrateWhenOrdersLieBeyondTheYearsACursorHoldsThenTheyMoveToTheNearestBound() {
        try (var old = new OldSchema("15")) {
            old.jdbi.useHandle(h -> {
                OldSchema.tenant(h, "ten_1");
                // 9999-12-31T23:00:00-05:00 and 0001-01-01T01:00:00+05:00, as stored before the strict check
                order(h, "ord_late", Instant.parse("+10000-01-01T04:00:00Z"));
                order(h, "ord_early", Instant.parse("0000-12-31T20:00:00Z"));
                order(h, "ord_usual", Instant.parse("2026-11-30T12:34:56.789Z"));
                order(h, "ord_last", Instant.parse("9999-12-31T23:59:59.999Z"));
            });

            old.upgrade();

            List<Instant> placed = old.jdbi.withHandle(h -> h.createQuery(
                    "SELECT placed_at FROM orders ORDER BY id").map((rs, ctx) -> Database.instant(rs, "placed_at"))
                    .list());
            assertThat(placed).containsExactly(
                    Instant.parse("0001-01-01T00:00:00Z"),
                    Instant.parse("9999-12-31T23:59:59.999Z"),
                    Instant.parse("9999-12-31T23:59:59.999Z"),
                    Instant.parse("2026-11-30T12:34:56.789Z"));
            assertThat(placed).allMatch(Cursor::holds);
        }
    }

    private static void order(Handle h, String id, Instant placedAt) {
        h.createUpdate("INSERT INTO orders (tenant_id, id, number, email, customer_id, status, currency, total, "
                        + "token_hash, placed_at, created_at, updated_at) VALUES ('ten_1', :id, :id, "
                        + "'ada@example.com', NULL, 'placed', 'EUR', 10, :id, :placed, CURRENT_TIMESTAMP, "
                        + "CURRENT_TIMESTAMP)")
                .bind("id", id).bind("placed", Database.ts(placedAt)).execute();
    }
}
