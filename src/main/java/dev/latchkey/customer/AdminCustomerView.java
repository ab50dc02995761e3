package dev.latchkey.customer;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.List;
import java.util.Objects;

/**
 * The Customer object of the admin API (AdminCustomer in the contract): the shopper's Customer, the merchant's own
 * {@code tags} and {@code note}, and the summary of the customer's orders, which the shopper's storefront never sees.
 */
public record AdminCustomerView(@JsonUnwrapped CustomerView customer, List<String> tags, String note,
                                @JsonUnwrapped OrderSummary orders) {
    public static AdminCustomerView of(AdminCustomer c, OrderSummary orders, ObjectMapper mapper) {
        return new AdminCustomerView(CustomerView.of(c.customer(), mapper), c.tags(), c.customer().note(), orders);
    }

    /**
     * The names of the fields the admin API shows differently after a change, for the audit log's {@code changed}:
     * those of {@link CustomerView#changedFields}, then {@code tags} and {@code note} (names only, never the text).
     */
    public static List<String> changedFields(AdminCustomer before, AdminCustomer after, ObjectMapper mapper) {
        List<String> changed = CustomerView.changedFields(before.customer(), after.customer(), mapper);
        if (!before.tags().equals(after.tags())) {
            changed.add("tags");
        }
        if (!Objects.equals(before.customer().note(), after.customer().note())) {
            changed.add("note");
        }
        return changed;
    }
}
