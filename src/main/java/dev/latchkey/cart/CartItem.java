package dev.latchkey.cart;

import java.time.Instant;

/** One SKU in a cart. Items are listed in the order they were first added. */
public record CartItem(String sku, int quantity, Instant addedAt) {
    public CartItem withQuantity(int newQuantity) {
        return new CartItem(sku, newQuantity, addedAt);
    }
}
