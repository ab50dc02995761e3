package dev.latchkey.customer;

/**
 * A part of another feature that {@code ?expand=name} adds to the Customer object, such as its addresses.
 * Features register theirs in the application wiring, so this package does not depend on them.
 */
@FunctionalInterface
public interface CustomerExpansion {
    Object expand(String tenantId, String customerId);
}
