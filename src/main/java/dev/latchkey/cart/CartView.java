package dev.latchkey.cart;

import java.time.Instant;
import java.util.List;

/** The Cart object of the API. */
public record CartView(String id, String customerId, List<Item> items, Instant createdAt, Instant updatedAt) {
    public record Item(String sku, int quantity) {
    }

    static CartView of(Cart cart, List<CartItem> items) {
        return new CartView(cart.id(), cart.customerId(),
                items.stream().map(i -> new Item(i.sku(), i.quantity())).toList(), cart.createdAt(), cart.updatedAt());
    }
}
