package dev.latchkey.cart;

import dev.latchkey.auth.AccessToken;
import dev.latchkey.auth.AgentScope;
import dev.latchkey.auth.Guard;
import dev.latchkey.http.Identifiers;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Requests;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

/** The shopper's cart, for an anonymous session or a logged-in customer. */
public final class CartRoutes {
    private final Guard guard;
    private final CartService carts;
    private final Requests requests;

    public CartRoutes(Guard guard, CartService carts, Requests requests) {
        this.guard = guard;
        this.carts = carts;
        this.requests = requests;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.post("/v1/carts", this::open);
        routes.get("/v1/carts/{id}", this::get);
        routes.put("/v1/carts/{id}/items/{sku}", this::setItem);
    }

    /** 201 whether the cart is new or the caller's existing one, as the contract has it: either way it is theirs now. */
    private void open(Context ctx) {
        AccessToken token = guard.token(ctx, AgentScope.CART_WRITE);
        ctx.status(201).json(carts.open(token.tenantId(), owner(token)));
    }

    private void get(Context ctx) {
        AccessToken token = guard.token(ctx, AgentScope.CART_READ);
        ctx.json(carts.get(token.tenantId(), owner(token), ctx.pathParam("id")));
    }

    private void setItem(Context ctx) {
        AccessToken token = guard.token(ctx, AgentScope.CART_WRITE);
        String sku = ctx.pathParam("sku");
        JsonInput in = requests.body(ctx);
        Identifiers.check(in, "sku", sku, Cart.MAX_SKU_LENGTH);
        Long quantity = in.requiredInteger("quantity", 0, Cart.MAX_QUANTITY);
        in.validate();
        ctx.json(carts.setQuantity(token.tenantId(), owner(token), ctx.pathParam("id"), sku, quantity.intValue()));
    }

    /** A customer's cart is theirs whichever session asks, an agent's acting for them included. */
    private static CartOwner owner(AccessToken token) {
        return token.customerId() != null ? CartOwner.customer(token.customerId())
                : CartOwner.anonymousSession(token.sessionId());
    }
}
