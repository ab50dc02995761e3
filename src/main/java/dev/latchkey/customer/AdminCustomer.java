package dev.latchkey.customer;

import java.util.List;

/** A customer as the merchant sees them: the account row (with the merchant's note) and the merchant's tags, sorted. */
public record AdminCustomer(Customer customer, List<String> tags) {
    public AdminCustomer {
        tags = List.copyOf(tags);
    }
}
