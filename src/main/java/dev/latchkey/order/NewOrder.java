package dev.latchkey.order;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** A validated {@code POST /v1/admin/orders} body. {@code customerId} is null for a guest order. */
public record NewOrder(String number, String email, String customerId, OrderStatus status, String currency,
                       BigDecimal total, List<OrderLine> lines, Instant placedAt) {
}
