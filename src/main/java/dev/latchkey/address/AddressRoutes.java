package dev.latchkey.address;

import dev.latchkey.auth.AccessToken;
import dev.latchkey.auth.AgentScope;
import dev.latchkey.auth.Guard;
import dev.latchkey.auth.Permission;
import dev.latchkey.http.Identifiers;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Paging;
import dev.latchkey.http.Requests;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.Optional;

/**
 * The address book: the logged-in shopper's own, and the merchant's read of a customer's. Support staff read it too:
 * a shipping address is what they need to help a shopper with a delivery.
 */
public final class AddressRoutes {
    private final Guard guard;
    private final AddressService addresses;
    private final Requests requests;

    public AddressRoutes(Guard guard, AddressService addresses, Requests requests) {
        this.guard = guard;
        this.addresses = addresses;
        this.requests = requests;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/v1/me/addresses", this::list);
        routes.post("/v1/me/addresses", this::create);
        routes.get("/v1/me/addresses/{id}", this::get);
        routes.patch("/v1/me/addresses/{id}", this::update);
        routes.delete("/v1/me/addresses/{id}", this::delete);
        routes.post("/v1/me/addresses/{id}/default", this::makeDefault);
        routes.get("/v1/admin/customers/{id}/addresses", this::ofCustomer);
    }

    private void list(Context ctx) {
        AccessToken token = guard.customer(ctx, AgentScope.ADDRESSES_READ);
        Paging paging = Paging.from(ctx, Listing.ADDRESSES);
        ctx.json(addresses.list(token.tenantId(), token.customerId(), paging.cursor(), paging.limit()));
    }

    private void create(Context ctx) {
        AccessToken token = guard.customer(ctx, AgentScope.ADDRESSES_WRITE);
        JsonInput in = requests.body(ctx);
        AddressInput input = AddressInput.forCreate(in);
        in.validate();
        ctx.status(201).json(addresses.create(token.tenantId(), token.customerId(), input));
    }

    private void get(Context ctx) {
        AccessToken token = guard.customer(ctx, AgentScope.ADDRESSES_READ);
        ctx.json(addresses.get(token.tenantId(), token.customerId(), ctx.pathParam("id")));
    }

    private void update(Context ctx) {
        AccessToken token = guard.customer(ctx, AgentScope.ADDRESSES_WRITE);
        JsonInput in = requests.body(ctx);
        AddressInput input = AddressInput.forUpdate(in);
        in.validate();
        ctx.json(addresses.update(token.tenantId(), token.customerId(), ctx.pathParam("id"), input));
    }

    private void delete(Context ctx) {
        AccessToken token = guard.customer(ctx, AgentScope.ADDRESSES_WRITE);
        addresses.delete(token.tenantId(), token.customerId(), ctx.pathParam("id"));
        ctx.status(204);
    }

    private void makeDefault(Context ctx) {
        AccessToken token = guard.customer(ctx, AgentScope.ADDRESSES_WRITE);
        JsonInput in = requests.body(ctx);
        String type = in.required("type", 16);
        var kind = type == null ? Optional.<AddressService.DefaultKind>empty() : AddressService.DefaultKind.fromWire(type);
        if (type != null && kind.isEmpty()) {
            in.reject("type", "invalid", "type must be shipping, billing or both.");
        }
        in.validate();
        ctx.json(addresses.makeDefault(token.tenantId(), token.customerId(), ctx.pathParam("id"), kind.orElseThrow()));
    }

    private void ofCustomer(Context ctx) {
        String tenantId = guard.admin(ctx, Permission.VIEW_CUSTOMERS).tenantId();
        String customerId = Identifiers.pathId(ctx, "id", "Customer");
        Paging paging = Paging.from(ctx, Listing.ADDRESSES);
        ctx.json(addresses.listOfCustomer(tenantId, customerId, paging.cursor(), paging.limit()));
    }
}
