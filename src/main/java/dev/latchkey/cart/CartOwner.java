package dev.latchkey.cart;

/** Who may see and change a cart: one customer (any of their sessions) or one anonymous session. */
public record CartOwner(String customerId, String sessionId) {
    public static CartOwner customer(String customerId) {
        return new CartOwner(customerId, null);
    }

    public static CartOwner anonymousSession(String sessionId) {
        return new CartOwner(null, sessionId);
    }

    /** The value of carts.active_owner for this owner's active cart. */
    String key() {
        return customerId != null ? customerId : sessionId;
    }
}
