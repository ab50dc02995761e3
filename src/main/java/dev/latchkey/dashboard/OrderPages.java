package dev.latchkey.dashboard;

import dev.latchkey.auth.Permission;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.FieldError;
import dev.latchkey.http.Identifiers;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Page;
import dev.latchkey.order.Order;
import dev.latchkey.order.OrderFilter;
import dev.latchkey.order.OrderService;
import dev.latchkey.order.OrderStatus;
import dev.latchkey.order.OrderView;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;

/**
 * The shop's orders, newest placed first, and one order's page, read as {@code GET /v1/admin/orders} and
 * {@code GET /v1/admin/orders/{number}} read them: whoever may view customers may read them, support staff too. The
 * pages change nothing: an order's status is what the merchant's back end reports (see docs/dashboard.md).
 */
public final class OrderPages {
    static final String PATH = "/dashboard/orders";
    private static final int PAGE_SIZE = 25;

    /** The filters as typed, "" for one left empty. */
    public record Filters(String email, String customerId, String status) {
        public boolean any() {
            return !email.isEmpty() || !customerId.isEmpty() || !status.isEmpty();
        }

        String query() {
            return "email=" + Dashboard.encode(email) + "&customer_id=" + Dashboard.encode(customerId) + "&status="
                    + Dashboard.encode(status);
        }
    }

    /** {@code errors}: why a filter could not be read, as the admin API names it (empty when all were read). */
    public record OrdersPage(Frame frame, Filters filters, List<FieldError> errors, List<String> statuses,
                             List<OrderView> orders, String nextUrl) {
        /** The message about the filter {@code field} (its query parameter's name), or null. */
        public String error(String field) {
            return FieldError.messageFor(errors, field);
        }
    }

    public record OrderPage(Frame frame, OrderView order) {
    }

    private final Dashboard dashboard;
    private final OrderService orders;

    OrderPages(Dashboard dashboard, OrderService orders) {
        this.dashboard = dashboard;
        this.orders = orders;
    }

    void addTo(JavalinDefaultRoutingApi routes) {
        routes.get(PATH, dashboard.page(this::list));
        routes.get(PATH + "/{number}", dashboard.page(this::detail));
    }

    private void list(Context ctx) {
        DashboardSession session = dashboard.require(ctx);
        Dashboard.permit(session, Permission.VIEW_CUSTOMERS);
        String number = Dashboard.filterField(ctx, "number");
        if (!number.isEmpty()) {
            open(ctx, number);
            return;
        }
        var filters = new Filters(Dashboard.filterField(ctx, "email"), Dashboard.filterField(ctx, "customer_id"),
                Dashboard.filterField(ctx, "status"));
        Frame frame = dashboard.frame(ctx, session, "Orders", "orders");
        List<String> statuses = Arrays.stream(OrderStatus.values()).map(OrderStatus::wire).toList();
        OrderFilter filter;
        try {
            filter = OrderFilter.from(ctx);
        } catch (ApiError refused) {
            if (refused.errors().isEmpty()) {
                throw refused;
            }
            dashboard.render(ctx, refused.status(), "orders.jte", new OrdersPage(frame, filters, refused.errors(),
                    statuses, List.of(), null));
            return;
        }
        Page<OrderView> page = orders.list(session.principal().tenantId(), filter,
                Dashboard.cursor(ctx, Listing.ORDERS), PAGE_SIZE);
        dashboard.render(ctx, 200, "orders.jte", new OrdersPage(frame, filters, List.of(), statuses, page.data(),
                Dashboard.nextUrl(PATH + "?" + filters.query(), page)));
    }

    /**
     * The order number typed in "Open order" leads to its page. Merchants write numbers as "#1001", which the API
     * records as 1001, so one leading '#' is dropped. What cannot be an order number is no order: 404 at once, never a
     * link that a browser would resolve elsewhere ("..").
     */
    private static void open(Context ctx, String typed) {
        String number = typed.startsWith("#") ? typed.substring(1) : typed;
        if (!Identifiers.safe(number, Order.MAX_NUMBER_LENGTH)) {
            throw ApiError.notFound("Order");
        }
        Dashboard.redirect(ctx, PATH + "/" + number);
    }

    private void detail(Context ctx) {
        DashboardSession session = dashboard.require(ctx);
        Dashboard.permit(session, Permission.VIEW_CUSTOMERS);
        OrderView order = orders.get(session.principal().tenantId(), ctx.pathParam("number"));
        dashboard.render(ctx, 200, "order.jte",
                new OrderPage(dashboard.frame(ctx, session, "Order " + order.number(), "orders"), order));
    }

    /**
     * What a line comes to: its unit price (written with the currency's minor digits, or more) times its quantity, in
     * the same digits.
     */
    public static String amount(OrderView.Line line) {
        return new BigDecimal(line.unitPrice()).multiply(BigDecimal.valueOf(line.quantity())).toPlainString();
    }
}
