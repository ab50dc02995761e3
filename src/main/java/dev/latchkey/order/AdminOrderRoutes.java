package dev.latchkey.order;

import dev.latchkey.auth.Guard;
import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.auth.Permission;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Paging;
import dev.latchkey.http.Requests;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.Set;

/** The merchant's back end records orders, reports their status and reads a customer's orders. */
public final class AdminOrderRoutes {
    /** Fields of an order that PATCH cannot change: an order is a record of what happened. */
    private static final Set<String> FIXED = Set.of("id", "number", "email", "customer_id", "currency", "total",
            "lines", "placed_at", "created_at", "updated_at", "order_token");

    private final Guard guard;
    private final OrderService orders;
    private final Requests requests;

    public AdminOrderRoutes(Guard guard, OrderService orders, Requests requests) {
        this.guard = guard;
        this.orders = orders;
        this.requests = requests;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.post("/v1/admin/orders", this::create);
        routes.get("/v1/admin/orders", this::list);
        routes.get("/v1/admin/orders/{number}", this::get);
        routes.patch("/v1/admin/orders/{number}", this::update);
        routes.post("/v1/admin/orders/{number}/token", this::reissueToken);
        routes.get("/v1/admin/customers/{id}/orders", this::ofCustomer);
    }

    private void create(Context ctx) {
        AdminPrincipal key = guard.admin(ctx, Permission.MANAGE_ORDERS);
        NewOrder order = OrderInput.read(requests.body(ctx));
        ctx.status(201).json(orders.create(key.tenantId(), order, key.actor(), requests.client(ctx)));
    }

    /** Support staff read it too: "where is my order?" is what they are asked most, guest orders included. */
    private void get(Context ctx) {
        AdminPrincipal key = guard.admin(ctx, Permission.VIEW_CUSTOMERS);
        ctx.json(orders.get(key.tenantId(), ctx.pathParam("number")));
    }

    /**
     * "Where is my order?" from a guest: found by the address it was placed with (compared as accounts are, so case
     * does not matter), by status, or by customer. Support staff read it too.
     */
    private void list(Context ctx) {
        AdminPrincipal key = guard.admin(ctx, Permission.VIEW_CUSTOMERS);
        Paging paging = Paging.from(ctx, Listing.ORDERS);
        ctx.json(orders.list(key.tenantId(), OrderFilter.from(ctx), paging.cursor(), paging.limit()));
    }

    /** Part of the customer's record, so whoever may view customers (support staff too) may read it. */
    private void ofCustomer(Context ctx) {
        AdminPrincipal key = guard.admin(ctx, Permission.VIEW_CUSTOMERS);
        Paging paging = Paging.from(ctx, Listing.ORDERS);
        ctx.json(orders.historyOfCustomer(key.tenantId(), ctx.pathParam("id"), paging.cursor(), paging.limit()));
    }

    private void reissueToken(Context ctx) {
        AdminPrincipal key = guard.admin(ctx, Permission.MANAGE_ORDERS);
        ctx.json(orders.reissueToken(key.tenantId(), ctx.pathParam("number"), key.actor(), requests.client(ctx)));
    }

    private void update(Context ctx) {
        AdminPrincipal key = guard.admin(ctx, Permission.MANAGE_ORDERS);
        JsonInput in = requests.body(ctx);
        in.rejectPresent(FIXED);
        OrderStatus status = OrderInput.status(in);
        in.validate();
        ctx.json(orders.updateStatus(key.tenantId(), ctx.pathParam("number"), status, key.actor(),
                requests.client(ctx)));
    }
}
