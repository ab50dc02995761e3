package dev.latchkey.order;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/** The Order object of the API. {@code orderToken} is only present in the answer that created the order. */
public record OrderView(String id, String number, String email, String customerId, String status, String currency,
                        String total, List<Line> lines, Instant placedAt, Instant createdAt, Instant updatedAt,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String orderToken) {
    public record Line(String sku, String name, int quantity, String unitPrice) {
    }

    static OrderView of(Order order, List<OrderLine> lines, String orderToken) {
        String currency = order.currency();
        return new OrderView(order.id(), order.number(), order.email(), order.customerId(), order.status().wire(),
                currency, Money.format(order.total(), currency),
                lines.stream()
                        .map(l -> new Line(l.sku(), l.name(), l.quantity(), Money.format(l.unitPrice(), currency)))
                        .toList(),
                order.placedAt(), order.createdAt(), order.updatedAt(), orderToken);
    }
}
