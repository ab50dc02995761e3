package dev.latchkey.cart;

import java.time.Instant;

/**
 * A cart row. {@code customerId} is set for a customer's cart, {@code sessionId} for an anonymous session's cart; the
 * store only ever hands out active carts.
 */
public record Cart(String id, String customerId, String sessionId, Instant createdAt, Instant updatedAt) {
    /** Distinct SKUs one cart may hold. */
    public static final int MAX_LINES = 500;
    public static final int MAX_QUANTITY = 999;
    public static final int MAX_SKU_LENGTH = 64;
}
