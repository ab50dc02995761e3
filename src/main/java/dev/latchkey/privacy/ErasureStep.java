package dev.latchkey.privacy;

import org.jdbi.v3.core.Handle;

/**
 * One feature's part of erasing a customer: removes (or strips of personal data) what it holds about them. Runs
 * inside the erasure's transaction, in the order of the application wiring, before the customer row is removed.
 */
@FunctionalInterface
public interface ErasureStep {
    void erase(Handle h, String tenantId, String customerId);
}
