package dev.latchkey.customer;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The order summaries of customers, read for a page of them at once (never one statement per customer). The order
 * feature provides it in the application wiring, so that this package does not depend on it.
 */
@FunctionalInterface
public interface OrderSummaries {
    /**
     * The summary of each of these customers of the tenant, by id: every id given, {@link OrderSummary#NONE} for a
     * customer without orders.
     */
    Map<String, OrderSummary> of(String tenantId, Collection<String> customerIds);

    default OrderSummary of(String tenantId, String customerId) {
        return of(tenantId, List.of(customerId)).get(customerId);
    }
}
