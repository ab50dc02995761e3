package dev.latchkey.order;

import java.math.BigDecimal;

/** One line of an order, in the order the merchant sent them. */
public record OrderLine(String sku, String name, int quantity, BigDecimal unitPrice) {
    public static final int MAX_NAME_LENGTH = 200;
    public static final int MAX_QUANTITY = 999;
}
