package dev.latchkey.dashboard;

import dev.latchkey.address.AddressInput;
import dev.latchkey.address.AddressService;
import dev.latchkey.address.Book;
import dev.latchkey.auth.Permission;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.FieldError;
import dev.latchkey.http.Identifiers;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Requests;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.List;
import java.util.function.Function;

/**
 * A customer's address book kept by staff (the customer phoned: support fixes the address): add, edit, delete and make
 * default, through the service of the admin API's address routes, with their permission ({@code edit_customers}) and
 * rules, recorded as the staff member's. A refused field shows the form again with the values as typed and the error
 * beside the field; an address the book holds already is shown at {@code line1}.
 */
public final class AddressPages {
    private static final String ADDRESS_EXISTS = "address_exists";

    /** {@code addressId}: null when adding; {@code shown}: the fields as the edit form showed them, null when adding. */
    public record AddressFormPage(Frame frame, Customer customer, String addressId, AddressForm form,
                                  AddressForm shown, List<FieldError> errors) {
        public String errorFor(String field) {
            return FieldError.messageFor(errors, field);
        }

        public boolean adding() {
            return addressId == null;
        }
    }

    private final Dashboard dashboard;
    private final CustomerService customers;
    private final AddressService addresses;
    private final Requests requests;

    AddressPages(Dashboard dashboard, CustomerService customers, AddressService addresses, Requests requests) {
        this.dashboard = dashboard;
        this.customers = customers;
        this.addresses = addresses;
        this.requests = requests;
    }

    void addTo(JavalinDefaultRoutingApi routes) {
        String book = "/dashboard/customers/{id}/addresses";
        routes.get(book + "/new", dashboard.page(ctx -> showForm(ctx,
                Dashboard.permit(dashboard.require(ctx), Permission.EDIT_CUSTOMERS), 200, null, AddressForm.BLANK, null,
                List.of())));
        routes.post(book + "/new", dashboard.page(ctx -> save(ctx, null)));
        routes.get(book + "/{aid}/edit", dashboard.page(this::editForm));
        routes.post(book + "/{aid}/edit", dashboard.page(ctx -> save(ctx, addressId(ctx))));
        routes.post(book + "/{aid}/delete", dashboard.page(ctx -> act(ctx, Notice.ADDRESS_DELETED, (b, aid) -> {
            addresses.delete(b, aid);
            return null;
        })));
        routes.post(book + "/{aid}/default", dashboard.page(ctx -> act(ctx, Notice.ADDRESS_MADE_DEFAULT,
                (b, aid) -> addresses.makeDefault(b, aid, kind(ctx)))));
    }

    private void editForm(Context ctx) {
        DashboardSession session = Dashboard.permit(dashboard.require(ctx), Permission.EDIT_CUSTOMERS);
        String addressId = addressId(ctx);
        AddressForm current = AddressForm.of(addresses.get(book(ctx, session), addressId));
        showForm(ctx, session, 200, addressId, current, current, List.of());
    }

    /** Adds ({@code addressId} null) or changes an address, as the admin API's POST or PATCH with the form's fields. */
    private void save(Context ctx, String addressId) {
        DashboardSession session = Dashboard.permit(dashboard.requireForm(ctx), Permission.EDIT_CUSTOMERS);
        Book book = book(ctx, session);
        AddressForm form = AddressForm.of(ctx);
        AddressForm shown = addressId == null ? null : AddressForm.shown(ctx);
        Function<JsonInput, AddressInput> reader = addressId == null ? AddressInput::forCreate : AddressInput::forUpdate;
        try {
            JsonInput in = JsonInput.of(addressId == null ? form.body() : form.body(shown));
            AddressInput input = reader.apply(in);
            in.validate();
            if (addressId == null) {
                addresses.create(book, input);
            } else {
                addresses.update(book, addressId, input);
            }
        } catch (ApiError refused) {
            showForm(ctx, session, refused.status(), addressId, form, shown,
                    Dashboard.formErrors(refused, ADDRESS_EXISTS, "line1", "exists"));
            return;
        }
        Dashboard.redirect(ctx, customerPage(book) + "?notice=" + Notice.ADDRESS_SAVED.wire());
    }

    private void showForm(Context ctx, DashboardSession session, int status, String addressId, AddressForm form,
                          AddressForm shown, List<FieldError> errors) {
        Customer customer = customers.get(session.principal().tenantId(), Identifiers.pathId(ctx, "id", "Customer"));
        dashboard.render(ctx, status, "address-form.jte", new AddressFormPage(dashboard.frame(ctx, session,
                addressId == null ? "Add address" : "Edit address", "customers"), customer, addressId, form, shown, errors));
    }

    /** A button on the customer's page: session, CSRF token and permission first, then back with a notice. */
    private void act(Context ctx, Notice notice, AddressAction action) {
        DashboardSession session = Dashboard.permit(dashboard.requireForm(ctx), Permission.EDIT_CUSTOMERS);
        Book book = book(ctx, session);
        action.run(book, addressId(ctx));
        Dashboard.redirect(ctx, customerPage(book) + "?notice=" + notice.wire());
    }

    @FunctionalInterface
    private interface AddressAction {
        Object run(Book book, String addressId);
    }

    private Book book(Context ctx, DashboardSession session) {
        return Book.ofCustomer(session.principal().tenantId(), Identifiers.pathId(ctx, "id", "Customer"),
                session.principal().actor(), requests.client(ctx));
    }

    /** One of our ids, or 404 before anything is read: the id goes back into the form's action. */
    private static String addressId(Context ctx) {
        return Identifiers.pathId(ctx, "aid", "Address");
    }

    private static String customerPage(Book book) {
        return "/dashboard/customers/" + Dashboard.encode(book.customerId());
    }

    private static AddressService.DefaultKind kind(Context ctx) {
        String type = ctx.formParam("type");
        return AddressService.DefaultKind.fromWire(type == null ? "" : type).orElseThrow(() ->
                new ApiError(422, "validation_failed", "Choose shipping, billing or both."));
    }
}
