package dev.latchkey.cart;

import java.time.Instant;
import java.util.List;

/**
 * A cart as the customer's data export shows it: the Cart object, and whether it is the one in use ({@code active})
 * or was closed (a guest cart merged in at login, say), and when.
 */
public record ExportedCart(String id, String customerId, String status, List<CartView.Item> items, Instant createdAt,
                           Instant updatedAt, Instant closedAt) {
}
