package dev.latchkey.customer;

/**
 * A part of another feature that {@code ?expand=name} adds to the Customer object, such as its addresses.
 * Features register theirs in the application wiring, so this package does not depend on them. It is given the
 * customer as the route found them: whether they may be read is decided there, once.
 */
@FunctionalInterface
public interface CustomerExpansion {
    Object expand(Customer customer);
}
