package dev.latchkey.cart;

import dev.latchkey.db.Database;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SQL for carts and their items. Every statement names the tenant. A cart is found through {@code active_owner}, the
 * owner's id while the cart is active, so one condition checks both who owns it and that it is still open.
 */
final class CartStore {
    private static final String ACTIVE = "active";
    private static final String CLOSED = "closed";

    void insert(Handle h, String tenantId, Cart cart, String owner) {
        h.createUpdate("INSERT INTO carts (tenant_id, id, customer_id, session_id, status, active_owner, created_at, "
                        + "updated_at) VALUES (:tenant, :id, :customer, :session, :status, :owner, :at, :at)")
                .bind("tenant", tenantId).bind("id", cart.id()).bind("customer", cart.customerId())
                .bind("session", cart.sessionId()).bind("status", ACTIVE).bind("owner", owner)
                .bind("at", Database.ts(cart.createdAt()))
                .execute();
    }

    Optional<Cart> findActive(Handle h, String tenantId, String cartId, String owner) {
        return h.createQuery("SELECT * FROM carts WHERE tenant_id = :tenant AND id = :id AND active_owner = :owner")
                .bind("tenant", tenantId).bind("id", cartId).bind("owner", owner)
                .map((rs, ctx) -> cart(rs)).findOne();
    }

    Optional<Cart> findActiveOf(Handle h, String tenantId, String owner) {
        return h.createQuery("SELECT * FROM carts WHERE tenant_id = :tenant AND active_owner = :owner")
                .bind("tenant", tenantId).bind("owner", owner)
                .map((rs, ctx) -> cart(rs)).findOne();
    }

    /** Locks the owner's active cart's row until the transaction ends, so that changes queue up; false when none. */
    boolean lock(Handle h, String tenantId, String cartId, String owner) {
        return h.createQuery("SELECT id FROM carts WHERE tenant_id = :tenant AND id = :id AND active_owner = :owner "
                        + "FOR UPDATE")
                .bind("tenant", tenantId).bind("id", cartId).bind("owner", owner)
                .mapTo(String.class).findOne().isPresent();
    }

    /** After a change of the cart's items. */
    void changed(Handle h, String tenantId, String cartId, Instant now) {
        h.createUpdate("UPDATE carts SET updated_at = :now WHERE tenant_id = :tenant AND id = :id")
                .bind("now", Database.ts(now)).bind("tenant", tenantId).bind("id", cartId)
                .execute();
    }

    /**
     * Closes the guest session's active cart as claimed by the customer, who from then on holds it (their data export
     * shows it, their erasure deletes it); of two concurrent callers only one gets 1 back.
     */
    int closeClaimed(Handle h, String tenantId, String cartId, String sessionId, String customerId, Instant now) {
        return h.createUpdate("UPDATE carts SET status = :closed, active_owner = NULL, customer_id = :customer, "
                        + "closed_at = :now, updated_at = :now WHERE tenant_id = :tenant AND id = :id "
                        + "AND active_owner = :owner AND status = :active")
                .bind("closed", CLOSED).bind("active", ACTIVE).bind("now", Database.ts(now))
                .bind("tenant", tenantId).bind("id", cartId).bind("owner", sessionId).bind("customer", customerId)
                .execute();
    }

    List<CartItem> items(Handle h, String tenantId, String cartId) {
        return h.createQuery("SELECT sku, quantity, added_at FROM cart_items WHERE tenant_id = :tenant "
                        + "AND cart_id = :cart ORDER BY seq")
                .bind("tenant", tenantId).bind("cart", cartId)
                .map((rs, ctx) -> new CartItem(rs.getString("sku"), rs.getInt("quantity"),
                        Database.instant(rs, "added_at")))
                .list();
    }

    /** The items of every cart of the customer, by cart, each cart's in its order: one read for all of them. */
    Map<String, List<CartItem>> itemsOfCustomer(Handle h, String tenantId, String customerId) {
        Map<String, List<CartItem>> byCart = new HashMap<>();
        h.createQuery("SELECT i.cart_id, i.sku, i.quantity, i.added_at FROM cart_items i JOIN carts c "
                        + "ON c.tenant_id = i.tenant_id AND c.id = i.cart_id WHERE c.tenant_id = :tenant "
                        + "AND c.customer_id = :customer ORDER BY i.cart_id, i.seq")
                .bind("tenant", tenantId).bind("customer", customerId)
                .map((rs, ctx) -> Map.entry(rs.getString("cart_id"), new CartItem(rs.getString("sku"),
                        rs.getInt("quantity"), Database.instant(rs, "added_at"))))
                .forEach(item -> byCart.computeIfAbsent(item.getKey(), id -> new ArrayList<>()).add(item.getValue()));
        return byCart;
    }

    int countItems(Handle h, String tenantId, String cartId) {
        return h.createQuery("SELECT COUNT(*) FROM cart_items WHERE tenant_id = :tenant AND cart_id = :cart")
                .bind("tenant", tenantId).bind("cart", cartId)
                .mapTo(Integer.class).one();
    }

    Optional<Integer> quantity(Handle h, String tenantId, String cartId, String sku) {
        return h.createQuery("SELECT quantity FROM cart_items WHERE tenant_id = :tenant AND cart_id = :cart "
                        + "AND sku = :sku")
                .bind("tenant", tenantId).bind("cart", cartId).bind("sku", sku)
                .mapTo(Integer.class).findOne();
    }

    void updateItem(Handle h, String tenantId, String cartId, String sku, int quantity, Instant now) {
        h.createUpdate("UPDATE cart_items SET quantity = :quantity, updated_at = :now "
                        + "WHERE tenant_id = :tenant AND cart_id = :cart AND sku = :sku")
                .bind("quantity", quantity).bind("now", Database.ts(now))
                .bind("tenant", tenantId).bind("cart", cartId).bind("sku", sku)
                .execute();
    }

    /** Adds a SKU after the cart's last item; the caller holds the cart's lock. */
    void addItem(Handle h, String tenantId, String cartId, String sku, int quantity, Instant now) {
        h.createUpdate("INSERT INTO cart_items (tenant_id, cart_id, sku, quantity, added_at, updated_at, seq) "
                        + "SELECT :tenant, :cart, :sku, :quantity, :now, :now, COALESCE(MAX(seq), 0) + 1 "
                        + "FROM cart_items WHERE tenant_id = :tenant AND cart_id = :cart")
                .bind("tenant", tenantId).bind("cart", cartId).bind("sku", sku).bind("quantity", quantity)
                .bind("now", Database.ts(now))
                .execute();
    }

    /** Fills an emptied cart with {@code items}, listed in that order. */
    void insertItems(Handle h, String tenantId, String cartId, List<CartItem> items, Instant now) {
        if (items.isEmpty()) {
            return;
        }
        var batch = h.prepareBatch("INSERT INTO cart_items (tenant_id, cart_id, sku, quantity, added_at, updated_at, "
                + "seq) VALUES (:tenant, :cart, :sku, :quantity, :added, :now, :seq)");
        int seq = 0;
        for (CartItem item : items) {
            batch.bind("tenant", tenantId).bind("cart", cartId).bind("sku", item.sku())
                    .bind("quantity", item.quantity()).bind("added", Database.ts(item.addedAt()))
                    .bind("now", Database.ts(now)).bind("seq", ++seq).add();
        }
        batch.execute();
    }

    void removeItem(Handle h, String tenantId, String cartId, String sku) {
        h.createUpdate("DELETE FROM cart_items WHERE tenant_id = :tenant AND cart_id = :cart AND sku = :sku")
                .bind("tenant", tenantId).bind("cart", cartId).bind("sku", sku)
                .execute();
    }

    void removeItems(Handle h, String tenantId, String cartId) {
        h.createUpdate("DELETE FROM cart_items WHERE tenant_id = :tenant AND cart_id = :cart")
                .bind("tenant", tenantId).bind("cart", cartId)
                .execute();
    }

    /** A cart with its status ({@code active} or {@code closed}) and when it was closed. */
    record Held(Cart cart, String status, Instant closedAt) {
    }

    /** Every cart of the customer, active or not, oldest first. */
    List<Held> allOf(Handle h, String tenantId, String customerId) {
        return h.createQuery("SELECT * FROM carts WHERE tenant_id = :tenant AND customer_id = :customer "
                        + "ORDER BY created_at, id")
                .bind("tenant", tenantId).bind("customer", customerId)
                .map((rs, ctx) -> new Held(cart(rs), rs.getString("status"), Database.instant(rs, "closed_at")))
                .list();
    }

    void deleteOf(Handle h, String tenantId, String customerId) {
        h.createUpdate("DELETE FROM cart_items WHERE tenant_id = :tenant AND cart_id IN "
                        + "(SELECT id FROM carts WHERE tenant_id = :tenant AND customer_id = :customer)")
                .bind("tenant", tenantId).bind("customer", customerId)
                .execute();
        h.createUpdate("DELETE FROM carts WHERE tenant_id = :tenant AND customer_id = :customer")
                .bind("tenant", tenantId).bind("customer", customerId)
                .execute();
    }

    /**
     * Deletes the guest carts, with their items, of those of {@code sessionIds} that are gone (at most a few hundred
     * ids); returns how many carts went. A claimed cart has its customer and stays.
     */
    int deleteGuestCartsOfEndedSessions(Handle h, String tenantId, List<String> sessionIds) {
        String orphaned = "SELECT c.id FROM carts c WHERE c.tenant_id = :tenant AND c.session_id IN (<ids>) "
                + "AND c.customer_id IS NULL AND NOT EXISTS (SELECT 1 FROM sessions s "
                + "WHERE s.tenant_id = c.tenant_id AND s.id = c.session_id)";
        List<String> ids = h.createQuery(orphaned).bind("tenant", tenantId).bindList("ids", sessionIds)
                .mapTo(String.class).list();
        if (ids.isEmpty()) {
            return 0;
        }
        h.createUpdate("DELETE FROM cart_items WHERE tenant_id = :tenant AND cart_id IN (<ids>)")
                .bind("tenant", tenantId).bindList("ids", ids).execute();
        return h.createUpdate("DELETE FROM carts WHERE tenant_id = :tenant AND id IN (<ids>)")
                .bind("tenant", tenantId).bindList("ids", ids).execute();
    }

    private static Cart cart(ResultSet rs) throws SQLException {
        return new Cart(rs.getString("id"), rs.getString("customer_id"), rs.getString("session_id"),
                Database.instant(rs, "created_at"), Database.instant(rs, "updated_at"));
    }
}
