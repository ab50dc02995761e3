package dev.latchkey.order;

import dev.latchkey.customer.EmailAddress;
import dev.latchkey.cart.Cart;
import dev.latchkey.http.Cursor;
import dev.latchkey.http.Identifiers;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Text;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads and checks an order sent by the merchant's back end; every bad field is reported at once. */
final class OrderInput {
    /**
     * RFC 3339 allows any number of fraction digits, and the parser reads nine; the time is kept to the millisecond
     * (truncated), so the digits past the ninth change nothing and are dropped before parsing.
     */
    private static final Pattern BEYOND_NANOSECONDS = Pattern.compile("(?<=:[0-9]{2}\\.[0-9]{9})[0-9]+");
    /**
     * RFC 3339's date-time, which is stricter than ISO_OFFSET_DATE_TIME: seconds are required, a decimal point needs
     * a digit after it, and an offset has hours and minutes only. T and Z may be lower case, as RFC 3339 allows.
     */
    private static final DateTimeFormatter RFC_3339 = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .appendValue(ChronoField.YEAR, 4).appendLiteral('-')
            .appendValue(ChronoField.MONTH_OF_YEAR, 2).appendLiteral('-')
            .appendValue(ChronoField.DAY_OF_MONTH, 2).appendLiteral('T')
            .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2).appendLiteral(':')
            .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
            .appendOffset("+HH:MM", "Z")
            .toFormatter(Locale.ROOT)
            .withChronology(IsoChronology.INSTANCE)
            .withResolverStyle(ResolverStyle.STRICT);

    private static final int MAX_CUSTOMER_ID = 64;

    private OrderInput() {
    }

    static NewOrder read(JsonInput in) {
        String number = in.required("number", Order.MAX_NUMBER_LENGTH);
        Identifiers.check(in, "number", number, Order.MAX_NUMBER_LENGTH);
        String email = EmailAddress.required(in, "email");
        String customerId = in.string("customer_id", MAX_CUSTOMER_ID).orElse(null);
        OrderStatus status = status(in);
        String currency = Money.currency(in, "currency");
        BigDecimal total = Money.amount(in, "total");
        List<OrderLine> lines = lines(in);
        Instant placedAt = timestamp(in, "placed_at");
        in.validate();
        return new NewOrder(number, EmailAddress.normalise(email), customerId, status, currency, total, lines,
                placedAt);
    }

    static OrderStatus status(JsonInput in) {
        String raw = in.required("status", 32);
        OrderStatus status = raw == null ? null : OrderStatus.fromWire(raw);
        if (raw != null && status == null) {
            in.reject("status", "invalid", "status must be one of " + OrderStatus.CHOICES + ".");
        }
        return status;
    }

    private static List<OrderLine> lines(JsonInput in) {
        Optional<List<JsonInput>> items = in.objects("lines", 1, Order.MAX_LINES);
        if (items.isEmpty()) {
            if (!in.hasErrorFor("lines")) {
                in.reject("lines", "required", "lines is required.");
            }
            return List.of();
        }
        List<OrderLine> lines = new ArrayList<>();
        for (int i = 0; i < items.get().size(); i++) {
            JsonInput line = items.get().get(i);
            String sku = line.required("sku", Cart.MAX_SKU_LENGTH);
            Identifiers.check(line, "sku", sku, Cart.MAX_SKU_LENGTH);
            String name = line.required("name", OrderLine.MAX_NAME_LENGTH);
            Long quantity = line.requiredInteger("quantity", 1, OrderLine.MAX_QUANTITY);
            BigDecimal unitPrice = Money.amount(line, "unit_price");
            in.adopt("lines[" + i + "].", line);
            if (line.valid()) {
                lines.add(new OrderLine(sku, Text.trim(name), quantity.intValue(), unitPrice));
            }
        }
        return lines;
    }

    /**
     * An RFC 3339 timestamp (a four-digit year, seconds, an offset of hours and minutes or Z), kept to the millisecond
     * as every timestamp of the service, and in UTC within the years 0001 to 9999: the instants both databases store
     * and a paging cursor holds. The offset counts: 9999-12-31T23:59:59-01:00 is in the year 10000 in UTC.
     */
    private static Instant timestamp(JsonInput in, String field) {
        String raw = in.required(field, 64);
        if (raw == null) {
            return null;
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(BEYOND_NANOSECONDS.matcher(raw).replaceFirst(""), RFC_3339).toInstant()
                    .truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeParseException e) {
            in.reject(field, "invalid", field + " must be an RFC 3339 timestamp such as 2026-05-08T13:00:00Z.");
            return null;
        }
        if (!Cursor.holds(at)) {
            in.reject(field, "invalid", field + " must fall within the years 0001 to 9999 in UTC.");
            return null;
        }
        return at;
    }
}
