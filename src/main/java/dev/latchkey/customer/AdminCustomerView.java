package dev.latchkey.customer;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.List;
import java.util.Objects;

/**
 * The Customer object of the admin API (AdminCustomer in the contract): the shopper's Customer and the merchant's own
 * {@code tags} and {@code note}, which the shopper's storefront never sees.
 */
public record AdminCustomerView(@JsonUnwrapped CustomerView customer, List<String> tags, String note) {
    public static AdminCustomerView of(AdminCustomer c, ObjectMapper mapper) {
        return new AdminCustomerView(CustomerView.of(c.customer(), mapper), c.tags(), c.customer().note());
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
