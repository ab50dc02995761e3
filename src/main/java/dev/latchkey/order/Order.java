package dev.latchkey.order;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * An order row. {@code customerId} is null for a guest order not (yet) attached to an account; {@code tokenHash} is
 * the SHA-256 of the guest's order token and never leaves the service.
 */
public record Order(String id, String number, String email, String customerId, OrderStatus status, String currency,
                    BigDecimal total, String tokenHash, Instant placedAt, Instant createdAt, Instant updatedAt) {
    public static final int MAX_NUMBER_LENGTH = 64;
    public static final int MAX_LINES = 500;

    Order withCustomer(String newCustomerId) {
        return new Order(id, number, email, newCustomerId, status, currency, total, tokenHash, placedAt, createdAt,
                updatedAt);
    }
}
