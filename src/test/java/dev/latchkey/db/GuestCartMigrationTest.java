package dev.latchkey.db;

import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V21: the guest carts whose anonymous session is gone already go with their items, since the purge now deletes a guest
 * cart only together with its session. Carts of a live session, and claimed carts, stay.
 */
class GuestCartMigrationTest {
    @Test
    void migrateWhenAGuestCartsSessionIsGoneThenItGoesAndTheOthersStay() {
        try (var old = new OldSchema("20")) {
            old.jdbi.useHandle(h -> {
                OldSchema.tenant(h, "ten_1");
                h.execute("INSERT INTO sessions (tenant_id, id, kind, created_at, last_used_at, expires_at) "
                        + "VALUES ('ten_1', 'ses_live', 'anonymous', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, "
                        + "CURRENT_TIMESTAMP)");
                cart(h, "crt_live", null, "ses_live");
                cart(h, "crt_orphan", null, "ses_gone");
                cart(h, "crt_claimed", "cus_1", "ses_gone_too");
            });

            old.upgrade();

            List<String> carts = old.jdbi.withHandle(h -> h.createQuery("SELECT id FROM carts ORDER BY id")
                    .mapTo(String.class).list());
            List<String> items = old.jdbi.withHandle(h -> h.createQuery("SELECT cart_id FROM cart_items "
                    + "ORDER BY cart_id").mapTo(String.class).list());
            assertThat(carts).containsExactly("crt_claimed", "crt_live");
            assertThat(items).containsExactly("crt_claimed", "crt_live");
        }
    }

    private static void cart(Handle h, String id, String customerId, String sessionId) {
        h.createUpdate("INSERT INTO carts (tenant_id, id, customer_id, session_id, status, active_owner, created_at, "
                        + "updated_at) VALUES ('ten_1', :id, :customer, :session, 'active', :id, CURRENT_TIMESTAMP, "
                        + "CURRENT_TIMESTAMP)")
                .bind("id", id).bind("customer", customerId).bind("session", sessionId).execute();
        h.createUpdate("INSERT INTO cart_items (tenant_id, cart_id, sku, quantity, added_at, updated_at, seq) "
                        + "VALUES ('ten_1', :cart, 'SKU-1', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)")
                .bind("cart", id).execute();
    }
}
