package dev.latchkey.auth;

import org.jdbi.v3.core.Handle;

/**
 * Hears, in the transaction that ends them, that every session of one account (a customer's or a staff member's)
 * ended together: what would soon become a session of that account must end with them.
 */
@FunctionalInterface
public interface SessionsEndedListener {
    void sessionsEnded(Handle h, String tenantId, String accountId);
}
