package dev.latchkey.order;

import dev.latchkey.auth.AccessToken;
import dev.latchkey.auth.AgentScope;
import dev.latchkey.auth.Guard;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Paging;
import dev.latchkey.tenant.ApiKey;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

/** The shopper's side of orders: a guest's order by its token, a customer's order history. */
public final class OrderRoutes {
    static final String ORDER_TOKEN_HEADER = "X-Order-Token";

    private final Guard guard;
    private final OrderService orders;

    public OrderRoutes(Guard guard, OrderService orders) {
        this.guard = guard;
        this.orders = orders;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/v1/orders/{number}", this::guestOrder);
        routes.get("/v1/me/orders", this::history);
        routes.get("/v1/me/orders/{number}", this::customerOrder);
    }

    private void guestOrder(Context ctx) {
        ApiKey key = guard.storefront(ctx);
        ctx.json(orders.guestOrder(key.tenantId(), ctx.pathParam("number"), ctx.header(ORDER_TOKEN_HEADER)));
    }

    private void history(Context ctx) {
        AccessToken token = guard.customer(ctx, AgentScope.ORDERS_READ);
        Paging paging = Paging.from(ctx, Listing.ORDERS);
        ctx.json(orders.history(token.tenantId(), token.customerId(), paging.cursor(), paging.limit()));
    }

    private void customerOrder(Context ctx) {
        AccessToken token = guard.customer(ctx, AgentScope.ORDERS_READ);
        ctx.json(orders.customerOrder(token.tenantId(), token.customerId(), ctx.pathParam("number")));
    }
}
