package dev.latchkey.auth;

import org.jdbi.v3.core.Handle;

import java.util.List;

/**
 * Hears, in the transaction that ends them, that every session of some accounts (a customer's, a staff member's, or
 * many customers' changed at once) ended together: what would soon become a session of those accounts must end with
 * them.
 */
@FunctionalInterface
public interface SessionsEndedListener {
    void sessionsEnded(Handle h, String tenantId, List<String> accountIds);
}
