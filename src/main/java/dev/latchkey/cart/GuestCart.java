package dev.latchkey.cart;

/** A cart offered at login or registration, with the anonymous session the caller proved it holds. */
public record GuestCart(String cartId, String sessionId) {
}
