package dev.latchkey.customer;

import java.util.List;

/**
 * One change the merchant makes to many customers at once: {@code add} and {@code remove} tags (read as
 * {@link CustomerTags#read} reads them; a tag is not in both) and a new {@code status} (null: left as it is). Each
 * customer gets what a single change of their tags and status would give them.
 */
public record BulkChange(List<String> add, List<String> remove, Customer.Status status) {
    public BulkChange {
        add = List.copyOf(add);
        remove = List.copyOf(remove);
    }

    /** The customer's tags after the change (see {@link CustomerTags#changed}). */
    List<String> tagsAfter(List<String> current) {
        return add.isEmpty() && remove.isEmpty() ? current : CustomerTags.changed(current, add, remove);
    }

    /** Whether the change moves this customer's status. */
    boolean movesStatus(Customer customer) {
        return status != null && status != customer.status();
    }
}
