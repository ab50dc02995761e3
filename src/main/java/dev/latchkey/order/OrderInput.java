package dev.latchkey.order;

import dev.latchkey.customer.EmailAddress;
import dev.latchkey.cart.Cart;
import dev.latchkey.http.Identifiers;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Rfc3339;
import dev.latchkey.http.Text;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads and checks an order sent by the merchant's back end; every bad field is reported at once. */
final class OrderInput {
    static final int MAX_CUSTOMER_ID = 64;

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

    /** An RFC 3339 timestamp, as {@link Rfc3339} reads it. */
    private static Instant timestamp(JsonInput in, String field) {
        String raw = in.required(field, 64);
        if (raw == null) {
            return null;
        }
        Optional<Instant> at = Rfc3339.parse(raw);
        if (at.isEmpty()) {
            in.reject(field, "invalid", field + " must be " + Rfc3339.EXPECTED + ".");
        }
        return at.orElse(null);
    }
}
