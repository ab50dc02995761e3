package dev.latchkey.order;

import dev.latchkey.customer.EmailAddress;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.Cursor;
import dev.latchkey.http.QueryParams;
import io.javalin.http.Context;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Which orders a listing shows: of one customer, placed with one address, in one status, placed at or after
 * {@code since} and before {@code until}; each applies when not null.
 */
public record OrderFilter(String customerId, String email, OrderStatus status, Instant since, Instant until) {
    static OrderFilter ofCustomer(String customerId) {
        return new OrderFilter(customerId, null, null, null, null);
    }

    /**
     * The filters of the shop's order list from {@code ?email=}, {@code ?customer_id=}, {@code ?status=} and the RFC
     * 3339 timestamps {@code ?since=} and {@code ?until=}, read as {@code GET /v1/admin/audit} reads its own: 422
     * naming the first one that cannot be read.
     */
    public static OrderFilter from(Context ctx) {
        OrderFilter filter = untimed(ctx);
        return filter.placed(QueryParams.instant(ctx, "since"), QueryParams.instant(ctx, "until"));
    }

    /**
     * {@link #from}, as the dashboard's form sends it: the days {@code ?from=} and {@code ?to=} (YYYY-MM-DD, what a
     * date input gives) in place of {@code since} and {@code until}, both days included, in UTC as the dashboard shows
     * every time: from the start of {@code from} to the end of {@code to}.
     */
    public static OrderFilter fromDays(Context ctx) {
        OrderFilter filter = untimed(ctx);
        LocalDate from = QueryParams.date(ctx, "from");
        LocalDate to = QueryParams.date(ctx, "to");
        return filter.placed(from == null ? null : startOf(from), to == null ? null : endOf(to));
    }

    private static OrderFilter untimed(Context ctx) {
        String email = QueryParams.text(ctx, "email", EmailAddress.MAX_LENGTH);
        String customerId = QueryParams.text(ctx, "customer_id", OrderInput.MAX_CUSTOMER_ID);
        String status = QueryParams.text(ctx, "status", 32);
        OrderStatus wanted = status == null ? null : OrderStatus.fromWire(status);
        if (status != null && wanted == null) {
            throw ApiError.validation("status", "invalid", "status must be one of " + OrderStatus.CHOICES + ".");
        }
        return new OrderFilter(customerId, email == null ? null : EmailAddress.normalise(email), wanted, null, null);
    }

    private OrderFilter placed(Instant newSince, Instant newUntil) {
        return new OrderFilter(customerId, email, status, newSince, newUntil);
    }

    private static Instant startOf(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The start of the next day; none after 9999-12-31, past every time an order can be placed at. */
    private static Instant endOf(LocalDate day) {
        Instant end = startOf(day.plusDays(1));
        return Cursor.holds(end) ? end : null;
    }
}
