package dev.latchkey.privacy;

import dev.latchkey.customer.Customer;
import org.jdbi.v3.core.Handle;

/**
 * The orders of a customer being erased, which the shop keeps for its books: stripped of personal data when the
 * customer is deleted, given to the customer kept when they are merged into another. Not one {@link ErasureStep}
 * among the others, because a merge must not strip what it gives: it moves them in place of the stripping, so a guest
 * order recorded while the erasure runs is moved with the rest instead of stripped between a move and the erasure.
 */
public interface KeptOrders {
    /** Strips the customer's orders, and the guest orders placed with their verified address, of personal data. */
    void erasePersonalData(Handle h, String tenantId, String customerId);

    /**
     * Gives the orders of {@code source}, whom the caller has locked, and the guest orders placed with their verified
     * address, to {@code keptId}; returns how many.
     */
    int moveToCustomer(Handle h, Customer source, String keptId);
}
