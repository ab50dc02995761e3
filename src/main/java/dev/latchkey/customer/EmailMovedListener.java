package dev.latchkey.customer;

import org.jdbi.v3.core.Handle;

/**
 * Told, inside the transaction that did it, that a customer's email moved to another address (a confirmed change, or
 * the merchant's). What other features mailed to the old address stops working, without this package knowing them.
 */
@FunctionalInterface
public interface EmailMovedListener {
    void emailMoved(Handle h, String tenantId, String customerId);
}
