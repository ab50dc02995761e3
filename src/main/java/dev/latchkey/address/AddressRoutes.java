package dev.latchkey.address;

import dev.latchkey.auth.AccessToken;
import dev.latchkey.auth.AdminPrincipal;
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
import java.util.function.Function;

/**
 * The address book: the logged-in shopper's own, and a customer's as the merchant keeps it for them (support fixing an
 * address the customer phoned in), by the same rules and bodies. Support staff read it too: a shipping address is what
 * they need to help a shopper with a delivery; changing it takes {@code edit_customers}.
 */
public final class AddressRoutes {
    private static final String CUSTOMER_BOOK = "/v1/admin/customers/{id}/addresses";

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
        routes.post("/v1/me/addresses", ctx -> create(ctx, ownBook(ctx, AgentScope.ADDRESSES_WRITE)));
        routes.get("/v1/me/addresses/{id}", ctx -> get(ctx, ownBook(ctx, AgentScope.ADDRESSES_READ), "id"));
        routes.patch("/v1/me/addresses/{id}", ctx -> update(ctx, ownBook(ctx, AgentScope.ADDRESSES_WRITE), "id"));
        routes.delete("/v1/me/addresses/{id}", ctx -> delete(ctx, ownBook(ctx, AgentScope.ADDRESSES_WRITE), "id"));
        routes.post("/v1/me/addresses/{id}/default",
                ctx -> makeDefault(ctx, ownBook(ctx, AgentScope.ADDRESSES_WRITE), "id"));
        routes.get(CUSTOMER_BOOK, this::ofCustomer);
        routes.post(CUSTOMER_BOOK, ctx -> create(ctx, customerBook(ctx, Permission.EDIT_CUSTOMERS)));
        routes.get(CUSTOMER_BOOK + "/{aid}", ctx -> get(ctx, customerBook(ctx, Permission.VIEW_CUSTOMERS), "aid"));
        routes.patch(CUSTOMER_BOOK + "/{aid}",
                ctx -> update(ctx, customerBook(ctx, Permission.EDIT_CUSTOMERS), "aid"));
        routes.delete(CUSTOMER_BOOK + "/{aid}",
                ctx -> delete(ctx, customerBook(ctx, Permission.EDIT_CUSTOMERS), "aid"));
        routes.post(CUSTOMER_BOOK + "/{aid}/default",
                ctx -> makeDefault(ctx, customerBook(ctx, Permission.EDIT_CUSTOMERS), "aid"));
    }

    private Book ownBook(Context ctx, AgentScope scope) {
        return Book.own(guard.customer(ctx, scope), requests.client(ctx));
    }

    /** The book of the customer the path names; an id that cannot be one answers 404 before a look. */
    private Book customerBook(Context ctx, Permission permission) {
        AdminPrincipal admin = guard.admin(ctx, permission);
        String customerId = Identifiers.pathId(ctx, "id", "Customer");
        return Book.ofCustomer(admin.tenantId(), customerId, admin.actor(), requests.client(ctx));
    }

    private void list(Context ctx) {
        AccessToken token = guard.customer(ctx, AgentScope.ADDRESSES_READ);
        Paging paging = Paging.from(ctx, Listing.ADDRESSES);
        ctx.json(addresses.list(token.tenantId(), token.customerId(), paging.cursor(), paging.limit()));
    }

    private void create(Context ctx, Book book) {
        AddressInput input = read(ctx, AddressInput::forCreate);
        ctx.status(201).json(addresses.create(book, input));
    }

    private void get(Context ctx, Book book, String idParam) {
        ctx.json(addresses.get(book, ctx.pathParam(idParam)));
    }

    private void update(Context ctx, Book book, String idParam) {
        AddressInput input = read(ctx, AddressInput::forUpdate);
        ctx.json(addresses.update(book, ctx.pathParam(idParam), input));
    }

    private void delete(Context ctx, Book book, String idParam) {
        addresses.delete(book, ctx.pathParam(idParam));
        ctx.status(204);
    }

    private void makeDefault(Context ctx, Book book, String idParam) {
        JsonInput in = requests.body(ctx);
        String type = in.required("type", 16);
        var kind = type == null ? Optional.<AddressService.DefaultKind>empty() : AddressService.DefaultKind.fromWire(type);
        if (type != null && kind.isEmpty()) {
            in.reject("type", "invalid", "type must be shipping, billing or both.");
        }
        in.validate();
        ctx.json(addresses.makeDefault(book, ctx.pathParam(idParam), kind.orElseThrow()));
    }

    private AddressInput read(Context ctx, Function<JsonInput, AddressInput> reader) {
        JsonInput in = requests.body(ctx);
        AddressInput input = reader.apply(in);
        in.validate();
        return input;
    }

    private void ofCustomer(Context ctx) {
        String tenantId = guard.admin(ctx, Permission.VIEW_CUSTOMERS).tenantId();
        String customerId = Identifiers.pathId(ctx, "id", "Customer");
        Paging paging = Paging.from(ctx, Listing.ADDRESSES);
        ctx.json(addresses.listOfCustomer(tenantId, customerId, paging.cursor(), paging.limit()));
    }
}
