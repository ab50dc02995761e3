package dev.latchkey.cart;

import dev.latchkey.auth.Secrets;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.db.Database;
import dev.latchkey.db.UniqueViolation;
import dev.latchkey.http.ApiError;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules of carts: one active cart per owner, only the owner sees or changes it, and a guest cart is claimed into
 * the customer's cart at most once.
 */
public final class CartService {

    private static final String NEW_CART = "new_cart";

    private final Database db;
    private final CartStore store;
    private final CustomerService customers;
    private final Clock clock;

    public CartService(Database db, CustomerService customers, Clock clock) {
        this.db = db;
        this.store = new CartStore();
        this.customers = customers;
        this.clock = clock;
    }

    /** The owner's active cart: the one they have, else a new, empty one. */
    public CartView open(String tenantId, CartOwner owner) {
        return db.tx(h -> {
            lockCustomer(h, tenantId, owner);
            return view(h, tenantId, activeOrNew(h, tenantId, owner, now()));
        });
    }

    public CartView get(String tenantId, CartOwner owner, String cartId) {
        return db.read(h -> view(h, tenantId, store.findActive(h, tenantId, cartId, owner.key())
                .orElseThrow(() -> missing(h, tenantId, owner))));
    }

    /**
     * No such cart of the owner's, or no owner any more: an erasure that committed after this request's token was
     * checked took the customer with their carts, and that is the token's end (401), as on every route it meets.
     */
    private ApiError missing(Handle h, String tenantId, CartOwner owner) {
        return owner.customerId() != null && customers.find(h, tenantId, owner.customerId()).isEmpty()
                ? ApiError.invalidToken() : notFound();
    }

    /**
     * Sets one SKU's quantity; 0 removes it, and a new SKU goes after the others. The cart row is locked first (after
     * a customer's row), so concurrent changes queue up. Its {@code updated_at} moves only when the items change.
     */
    public CartView setQuantity(String tenantId, CartOwner owner, String cartId, String sku, int quantity) {
        return db.tx(h -> {
            lockCustomer(h, tenantId, owner);
            if (!store.lock(h, tenantId, cartId, owner.key())) {
                throw notFound();
            }
            Optional<Integer> current = store.quantity(h, tenantId, cartId, sku);
            if (current.orElse(0) != quantity) {
                Instant now = now();
                if (quantity == 0) {
                    store.removeItem(h, tenantId, cartId, sku);
                } else if (current.isPresent()) {
                    store.updateItem(h, tenantId, cartId, sku, quantity, now);
                } else if (store.countItems(h, tenantId, cartId) >= Cart.MAX_LINES) {
                    throw new ApiError(422, "cart_full", "A cart holds at most " + Cart.MAX_LINES + " different SKUs.");
                } else {
                    store.addItem(h, tenantId, cartId, sku, quantity, now);
                }
                store.changed(h, tenantId, cartId, now);
            }
            return view(h, tenantId, store.findActive(h, tenantId, cartId, owner.key()).orElseThrow());
        });
    }

    /**
     * Brings a guest cart into the customer's cart by {@code strategy} and closes it, within the caller's transaction.
     * The close is the claim: only the caller whose update closed the active guest cart merges it, so concurrent
     * logins with the same cart merge it once. A cart that is not the guest session's active cart is ignored; an empty
     * one is closed and changes nothing (it opens no customer cart either).
     *
     * @return the customer's active cart id, or null when they have none
     */
    public String claim(Handle h, String tenantId, MergeStrategy strategy, String customerId, GuestCart guest) {
        Instant now = now();
        boolean claimed = guest != null
                && store.closeClaimed(h, tenantId, guest.cartId(), guest.sessionId(), customerId, now) > 0;
        List<CartItem> guestItems = claimed ? store.items(h, tenantId, guest.cartId()) : List.of();
        if (guestItems.isEmpty()) {
            return store.findActiveOf(h, tenantId, customerId).map(Cart::id).orElse(null);
        }
        Cart target = activeOrNew(h, tenantId, CartOwner.customer(customerId), now);
        store.lock(h, tenantId, target.id(), customerId);
        List<CartItem> mine = store.items(h, tenantId, target.id());
        List<CartItem> result = strategy.apply(mine, guestItems);
        if (!result.equals(mine)) {
            store.removeItems(h, tenantId, target.id());
            store.insertItems(h, tenantId, target.id(), result, now);
            store.changed(h, tenantId, target.id(), now);
        }
        return target.id();
    }

    /** For the customer's data export: their carts, open and closed, with what is in them. */
    public List<ExportedCart> allOf(String tenantId, String customerId) {
        return db.read(h -> {
            Map<String, List<CartItem>> items = store.itemsOfCustomer(h, tenantId, customerId);
            return store.allOf(h, tenantId, customerId).stream().map(held -> {
                CartView cart = CartView.of(held.cart(), items.getOrDefault(held.cart().id(), List.of()));
                return new ExportedCart(cart.id(), cart.customerId(), held.status(), cart.items(), cart.createdAt(),
                        cart.updatedAt(), held.closedAt());
            }).toList();
        });
    }

    /**
     * The carts of anonymous sessions that are gone (deleted a day after they expired), which nobody can reach any
     * more: told by the purge of those sessions, in its transaction. A scan for carts without a session instead read
     * every live guest cart each hour.
     */
    public void deleteGuestCartsOfEndedSessions(Handle h, String tenantId, List<String> candidateSessionIds) {
        store.deleteGuestCartsOfEndedSessions(h, tenantId, candidateSessionIds);
    }

    /** Part of erasing a customer: their carts, open and closed, with what was in them. */
    public void erase(Handle h, String tenantId, String customerId) {
        store.deleteOf(h, tenantId, customerId);
    }

    /**
     * The owner's active cart, made when there is none. Two first requests of one owner may race: the loser's insert
     * breaks the one-active-cart constraint, is rolled back to the savepoint, and it reads the winner's cart.
     */
    private Cart activeOrNew(Handle h, String tenantId, CartOwner owner, Instant now) {
        var existing = store.findActiveOf(h, tenantId, owner.key());
        if (existing.isPresent()) {
            return existing.get();
        }
        Cart cart = new Cart(Secrets.id("cart"), owner.customerId(), owner.sessionId(), now, now);
        h.savepoint(NEW_CART);
        try {
            store.insert(h, tenantId, cart, owner.key());
            return cart;
        } catch (RuntimeException e) {
            if (!UniqueViolation.is(e)) {
                throw e;
            }
            h.rollbackToSavepoint(NEW_CART);
            return store.findActiveOf(h, tenantId, owner.key()).orElseThrow();
        }
    }

    /**
     * Locks a customer owner's row before their cart is written; an anonymous session has none. Their erasure locks it
     * first, before it deletes their carts with the items: a write that came meanwhile waits for the erasure and then
     * finds the customer gone, with the sessions that authorised the request (401), instead of leaving a cart behind
     * or an item that makes the erasure's delete of the cart fail.
     */
    private void lockCustomer(Handle h, String tenantId, CartOwner owner) {
        if (owner.customerId() != null && customers.lock(h, tenantId, owner.customerId()).isEmpty()) {
            throw ApiError.invalidToken();
        }
    }

    private CartView view(Handle h, String tenantId, Cart cart) {
        return CartView.of(cart, store.items(h, tenantId, cart.id()));
    }

    private static ApiError notFound() {
        return ApiError.notFound("Cart");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
