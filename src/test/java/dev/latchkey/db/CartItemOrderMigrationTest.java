package dev.latchkey.db;

import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** V19 gives each cart item its place in the cart, in the order the items were listed before: added_at, then sku. */
class CartItemOrderMigrationTest {
    private static final Instant EARLIER = Instant.parse("2026-11-01T10:00:00Z");
    private static final Instant LATER = Instant.parse("2026-11-01T10:05:00Z");

    @Test
    void migrateWhenCartsHoldItemsThenEachCartNumbersItsItemsInTheirFormerOrder() {
        try (var old = new OldSchema("18")) {
            old.jdbi.useHandle(h -> {
                OldSchema.tenant(h, "ten_1");
                cart(h, "cart_1");
                cart(h, "cart_2");
                item(h, "cart_1", "B", LATER);
                item(h, "cart_1", "A", LATER);
                item(h, "cart_1", "C", EARLIER);
                item(h, "cart_2", "Z", LATER);
            });

            old.upgradeTo("19");

            List<String> order = old.jdbi.withHandle(h -> h.createQuery(
                            "SELECT cart_id, sku, seq FROM cart_items ORDER BY cart_id, seq")
                    .map((rs, ctx) -> rs.getString("cart_id") + ":" + rs.getString("sku") + ":" + rs.getInt("seq"))
                    .list());
            assertThat(order).containsExactly("cart_1:C:1", "cart_1:A:2", "cart_1:B:3", "cart_2:Z:1");
        }
    }

    private static void cart(Handle h, String id) {
        h.createUpdate("INSERT INTO carts (tenant_id, id, customer_id, session_id, status, active_owner, created_at, "
                        + "updated_at) VALUES ('ten_1', :id, NULL, :id, 'active', :id, CURRENT_TIMESTAMP, "
                        + "CURRENT_TIMESTAMP)")
                .bind("id", id).execute();
    }

    private static void item(Handle h, String cartId, String sku, Instant addedAt) {
        h.createUpdate("INSERT INTO cart_items (tenant_id, cart_id, sku, quantity, added_at, updated_at) "
                        + "VALUES ('ten_1', :cart, :sku, 1, :added, :added)")
                .bind("cart", cartId).bind("sku", sku).bind("added", Database.ts(addedAt)).execute();
    }
}
