package dev.latchkey.customer;

import org.jdbi.v3.core.Handle;

/**
 * Told, inside the transaction that did it, that a customer's email became verified (verification, a password reset
 * through the emailed token, or a confirmed email change). Other features link what belongs to that address, e.g.
 * guest orders, without this package knowing them.
 */
@FunctionalInterface
public interface EmailVerifiedListener {
    void emailVerified(Handle h, String tenantId, String customerId, String email);
}
