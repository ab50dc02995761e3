package dev.latchkey.customer;

/** A customer with the id of their active cart, null when they have none. */
public record CustomerWithCart(Customer customer, String activeCartId) {
}
