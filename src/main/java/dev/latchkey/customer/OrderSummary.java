package dev.latchkey.customer;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What the merchant sees of a customer's orders next to the customer, as Shopify shows a customer's orders count and
 * amount spent: how many orders are theirs, what they spent in each currency (amounts of different currencies are
 * never added up), and their latest order (null when they have none). Which orders count as spent is the order
 * feature's to say.
 */
public record OrderSummary(long ordersCount, List<Spent> amountSpent, Instant lastOrderAt, String lastOrderNumber) {
    public static final OrderSummary NONE = new OrderSummary(0, List.of(), null, null);

    /** Its fields as the admin API names them: figures of the orders, which a write of the customer never sets. */
    public static final Set<String> FIELDS = Set.of("orders_count", "amount_spent", "last_order_at",
            "last_order_number");

    public OrderSummary {
        amountSpent = List.copyOf(amountSpent);
    }

    /** The amount spent in one currency, a decimal string as every amount of the API. */
    public record Spent(String currency, String amount) {
    }
}
