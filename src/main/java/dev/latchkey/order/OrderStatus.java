package dev.latchkey.order;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Where an order stands, as the merchant's back end reports it. Any status may follow any other: the merchant's system
 * is the source of truth and Latchkey only records it.
 */
public enum OrderStatus {
    PENDING, PAID, FULFILLED, CANCELLED, REFUNDED;

    /**
     * The statuses whose totals a customer's amount spent adds up: money taken and kept. A pending order is not paid
     * yet, a cancelled one was never charged or was given back, and a refunded one was given back (the service keeps
     * no partial refunds, so a refunded order counts for nothing). As Shopify's amount spent, which leaves out
     * cancelled orders and takes refunds off. The orders count counts every order, whatever its status.
     */
    static final List<OrderStatus> SPENT = List.of(PAID, FULFILLED);

    static final String CHOICES = Arrays.stream(values()).map(OrderStatus::wire).collect(Collectors.joining(", "));

    public String wire() {
        return name().toLowerCase();
    }

    /** The status of this wire name, or null when there is none. */
    static OrderStatus fromWire(String value) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(value)).findFirst().orElse(null);
    }
}
