package dev.latchkey.privacy;

import org.jdbi.v3.core.Handle;

/**
 * One feature's part of erasing a customer: removes (or strips of personal data) what it holds about them. Runs
 * inside the erasure's transaction, in the order of the application wiring, before the customer row is removed, and
 * after the customer row was locked. Code that writes rows of a customer outside the erasure must lock that row first
 * too (as recording an order and writing a cart do): then such a write either commits before the step runs or waits
 * for the erasure and finds the customer gone, and the two lock in the same order, so they never deadlock.
 */
@FunctionalInterface
public interface ErasureStep {
    void erase(Handle h, String tenantId, String customerId);
}
