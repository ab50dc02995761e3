package dev.latchkey.cart;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How a guest cart's items come into the customer's cart at login (tenant setting {@code cart_merge_strategy}). */
public enum MergeStrategy {
    /** Quantities of the same SKU add up, capped at the maximum quantity; new SKUs are appended while room is left. */
    MERGE,
    /** The guest cart's items replace the customer's. */
    REPLACE,
    /** The customer's items stay when there are any; an empty customer cart takes the guest's items. */
    KEEP;

    public static MergeStrategy fromWire(String value) {
        return valueOf(value.toUpperCase());
    }

    /**
     * The customer's items after the guest's came in. An empty guest cart changes nothing under any strategy: a
     * shopper who emptied the cart they browsed with does not expect that to wipe the cart saved in their account.
     */
    List<CartItem> apply(List<CartItem> customer, List<CartItem> guest) {
        if (guest.isEmpty()) {
            return customer;
        }
        return switch (this) {
            case REPLACE -> guest;
            case KEEP -> customer.isEmpty() ? guest : customer;
            case MERGE -> merge(customer, guest);
        };
    }

    private static List<CartItem> merge(List<CartItem> customer, List<CartItem> guest) {
        Map<String, CartItem> bySku = new LinkedHashMap<>();
        customer.forEach(item -> bySku.put(item.sku(), item));
        for (CartItem item : guest) {
            CartItem mine = bySku.get(item.sku());
            if (mine != null) {
                int sum = Math.min(Cart.MAX_QUANTITY, mine.quantity() + item.quantity());
                bySku.put(item.sku(), mine.withQuantity(sum));
            } else if (bySku.size() < Cart.MAX_LINES) {
                bySku.put(item.sku(), item);
            }
        }
        return new ArrayList<>(bySku.values());
    }
}
