package dev.latchkey.order;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Where an order stands, as the merchant's back end reports it. Any status may follow any other: the merchant's system
 * is the source of truth and Latchkey only records it.
 */
public enum OrderStatus {
    PENDING, PAID, FULFILLED, CANCELLED, REFUNDED;

    static final String CHOICES = Arrays.stream(values()).map(OrderStatus::wire).collect(Collectors.joining(", "));

    public String wire() {
        return name().toLowerCase();
    }

    /** The status of this wire name, or null when there is none. */
    static OrderStatus fromWire(String value) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(value)).findFirst().orElse(null);
    }
}
