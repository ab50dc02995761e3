package dev.latchkey.dashboard;

import dev.latchkey.customer.OrderSummary;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Formatting of values on dashboard pages. */
public final class Show {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Show() {
    }

    public static String time(Instant instant) {
        return instant == null ? "—" : TIME.format(instant);
    }

    public static String text(String value) {
        return value == null || value.isBlank() ? "—" : value;
    }

    /** The parts that hold something, joined by {@code separator} (an address's lines, a name); "" when none does. */
    public static String joined(String separator, String... parts) {
        return Arrays.stream(parts).filter(part -> part != null && !part.isBlank())
                .collect(Collectors.joining(separator));
    }

    /** A customer's amount spent, each currency's amount with its code ("59.90 EUR, 12.00 USD"); "—" for none. */
    public static String spent(OrderSummary orders) {
        return orders.amountSpent().isEmpty() ? "—" : orders.amountSpent().stream()
                .map(spent -> spent.amount() + " " + spent.currency()).collect(Collectors.joining(", "));
    }

    /** A status or kind as people read it: {@code on_hold} as "on hold". */
    public static String words(String wire) {
        return wire.replace('_', ' ');
    }
}
