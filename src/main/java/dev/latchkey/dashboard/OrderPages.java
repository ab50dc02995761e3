package dev.latchkey.dashboard;

import dev.latchkey.auth.Permission;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
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
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The shop's orders, newest placed first, and one order's page, read as {@code GET /v1/admin/orders} and
 * {@code GET /v1/admin/orders/{number}} read them: whoever may view customers may read them, support staff too. Each
 * order shows its customer by name and email, where the API shows an id. The pages change nothing: an order's status
 * is what the merchant's back end reports (see docs/dashboard.md).
 */
public final class OrderPages {
    static final String PATH = "/dashboard/orders";
    private static final int PAGE_SIZE = 25;

    /** The filters as typed, "" for one left empty; {@code from} and {@code to} are days, YYYY-MM-DD. */
    public record Filters(String email, String customerId, String status, String from, String to) {
        public boolean any() {
            return !email.isEmpty() || !customerId.isEmpty() || !status.isEmpty() || !from.isEmpty() || !to.isEmpty();
        }

        String query() {
            return "email=" + Dashboard.encode(email) + "&customer_id=" + Dashboard.encode(customerId) + "&status="
                    + Dashboard.encode(status) + "&from=" + Dashboard.encode(from) + "&to=" + Dashboard.encode(to);
        }
    }

    /**
     * Whom an order belongs to, as the pages show it: a customer of the shop (with their name, "" when they gave none,
     * and their account's email); nobody yet, a guest order; or nobody any more, a customer since erased (the erasure
     * takes the order's customer and address, see {@code OrderService.erasePersonalData}) or deleted.
     */
    public record Buyer(String customerId, String name, String email) {
        static Buyer of(OrderView order, Map<String, Customer> customers) {
            Customer customer = order.customerId() == null ? null : customers.get(order.customerId());
            if (customer == null) {
                return new Buyer(null, null, null);
            }
            Customer.Profile profile = customer.profile();
            return new Buyer(customer.id(), Show.joined(" ", profile.firstName(), profile.lastName()),
                    customer.email());
        }

        /** Whether the order belongs to no customer: a guest's, or one of a customer no longer there. */
        public boolean none() {
            return customerId == null;
        }
    }

    /** An order with whom it belongs to. */
    public record Row(OrderView order, Buyer buyer) {
        /** Whether the order's customer is gone: erased, with the order's address, or their row deleted. */
        public boolean customerGone() {
            return buyer.none() && (order.customerId() != null || order.email().isEmpty());
        }
    }

    /** {@code errors}: why a filter could not be read, as the admin API names it (empty when all were read). */
    public record OrdersPage(Frame frame, Filters filters, List<FieldError> errors, List<String> statuses,
                             List<Row> orders, Buyer filteredCustomer, String nextUrl) {
        /** The message about the filter {@code field} (its query parameter's name), or null. */
        public String error(String field) {
            return FieldError.messageFor(errors, field);
        }
    }

    public record OrderPage(Frame frame, Row row) {
    }

    private final Dashboard dashboard;
    private final OrderService orders;
    private final CustomerService customers;

    OrderPages(Dashboard dashboard, OrderService orders, CustomerService customers) {
        this.dashboard = dashboard;
        this.orders = orders;
        this.customers = customers;
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
                Dashboard.filterField(ctx, "status"), Dashboard.filterField(ctx, "from"),
                Dashboard.filterField(ctx, "to"));
        Frame frame = dashboard.frame(ctx, session, "Orders", "orders");
        List<String> statuses = Arrays.stream(OrderStatus.values()).map(OrderStatus::wire).toList();
        OrderFilter filter;
        try {
            filter = OrderFilter.fromDays(ctx);
        } catch (ApiError refused) {
            if (refused.errors().isEmpty()) {
                throw refused;
            }
            dashboard.render(ctx, refused.status(), "orders.jte", new OrdersPage(frame, filters, refused.errors(),
                    statuses, List.of(), null, null));
            return;
        }
        String tenantId = session.principal().tenantId();
        Page<OrderView> page = orders.list(tenantId, filter, Dashboard.cursor(ctx, Listing.ORDERS), PAGE_SIZE);
        List<Row> rows = rows(tenantId, page.data());
        Buyer filteredCustomer = filter.customerId() == null || rows.isEmpty() ? null : rows.getFirst().buyer();
        dashboard.render(ctx, 200, "orders.jte", new OrdersPage(frame, filters, List.of(), statuses, rows,
                filteredCustomer, Dashboard.nextUrl(PATH + "?" + filters.query(), page)));
    }

    /** The orders with whom they belong to, their customers read in one query for the whole page. */
    private List<Row> rows(String tenantId, List<OrderView> page) {
        Map<String, Customer> owners = customers.findAll(tenantId,
                page.stream().map(OrderView::customerId).filter(Objects::nonNull).collect(Collectors.toSet()));
        return page.stream().map(order -> new Row(order, Buyer.of(order, owners))).toList();
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
        String tenantId = session.principal().tenantId();
        OrderView order = orders.get(tenantId, ctx.pathParam("number"));
        dashboard.render(ctx, 200, "order.jte", new OrderPage(dashboard.frame(ctx, session, "Order " + order.number(),
                "orders"), rows(tenantId, List.of(order)).getFirst()));
    }

    /**
     * What a line comes to: its unit price (written with the currency's minor digits, or more) times its quantity, in
     * the same digits.
     */
    public static String amount(OrderView.Line line) {
        return new BigDecimal(line.unitPrice()).multiply(BigDecimal.valueOf(line.quantity())).toPlainString();
    }
}
