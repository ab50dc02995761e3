package dev.latchkey.order;

import dev.latchkey.customer.EmailAddress;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.QueryParams;
import io.javalin.http.Context;

/** Which orders a listing shows: of one customer, placed with one address, in one status; each applies when not null. */
public record OrderFilter(String customerId, String email, OrderStatus status) {
    static OrderFilter ofCustomer(String customerId) {
        return new OrderFilter(customerId, null, null);
    }

    /**
     * The filters of the shop's order list from {@code ?email=}, {@code ?customer_id=} and {@code ?status=}, as the
     * admin API and the dashboard both read them: 422 naming the first one that cannot be read.
     */
    public static OrderFilter from(Context ctx) {
        String email = QueryParams.text(ctx, "email", EmailAddress.MAX_LENGTH);
        String customerId = QueryParams.text(ctx, "customer_id", OrderInput.MAX_CUSTOMER_ID);
        String status = QueryParams.text(ctx, "status", 32);
        OrderStatus wanted = status == null ? null : OrderStatus.fromWire(status);
        if (status != null && wanted == null) {
            throw ApiError.validation("status", "invalid", "status must be one of " + OrderStatus.CHOICES + ".");
        }
        return new OrderFilter(customerId, email == null ? null : EmailAddress.normalise(email), wanted);
    }
}
