package dev.latchkey.dashboard;

import dev.latchkey.auth.Permission;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.FieldError;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Requests;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.List;

/**
 * "Add customer" and a customer's "Edit profile": forms that send what {@code POST /v1/admin/customers} and
 * {@code PATCH /v1/admin/customers/{id}} would, with the permission those routes require. A refusal shows the form
 * again with the values as typed and each field's error beside it.
 */
public final class CustomerFormPages {
    private static final String EMAIL_TAKEN = "email_taken";
    private static final String VERSION_CONFLICT = "version_conflict";

    /** {@code customerId}: null on "Add customer"; {@code version}: the one the edit form was made for. */
    public record CustomerFormPage(Frame frame, String customerId, long version, CustomerForm form,
                                   List<FieldError> errors, boolean canInvite) {
        public String errorFor(String field) {
            return FieldError.messageFor(errors, field);
        }

        public boolean adding() {
            return customerId == null;
        }
    }

    private final Dashboard dashboard;
    private final CustomerService customers;
    private final CustomerSupport support;
    private final Requests requests;

    CustomerFormPages(Dashboard dashboard, CustomerService customers, CustomerSupport support, Requests requests) {
        this.dashboard = dashboard;
        this.customers = customers;
        this.support = support;
        this.requests = requests;
    }

    /** Added before the customer's page, whose {@code {id}} would take "new". */
    void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/dashboard/customers/new", dashboard.page(this::newForm));
        routes.post("/dashboard/customers/new", dashboard.page(this::add));
        routes.get("/dashboard/customers/{id}/edit", dashboard.page(this::editForm));
        routes.post("/dashboard/customers/{id}/edit", dashboard.page(this::edit));
    }

    private void newForm(Context ctx) {
        DashboardSession session = Dashboard.permit(dashboard.require(ctx), Permission.EDIT_CUSTOMERS);
        showNew(ctx, session, 200, CustomerForm.BLANK, List.of());
    }

    private void add(Context ctx) {
        DashboardSession session = Dashboard.permit(dashboard.requireForm(ctx), Permission.EDIT_CUSTOMERS);
        CustomerForm form = CustomerForm.of(ctx);
        String id;
        try {
            id = support.create(session.principal().tenantId(), JsonInput.of(form.newAccount()), form.invite(),
                    requests.client(ctx));
        } catch (ApiError refused) {
            showNew(ctx, session, refused.status(), form, Dashboard.formErrors(refused, EMAIL_TAKEN, "email", "taken"));
            return;
        }
        Dashboard.redirect(ctx, "/dashboard/customers/" + Dashboard.encode(id) + "?notice="
                + Notice.CUSTOMER_ADDED.wire());
    }

    private void showNew(Context ctx, DashboardSession session, int status, CustomerForm form,
                         List<FieldError> errors) {
        dashboard.render(ctx, status, "customer-form.jte", new CustomerFormPage(
                dashboard.frame(ctx, session, "Add customer", "customers"), null, 0, form, errors,
                support.canInvite(session.principal().tenantId())));
    }

    private void editForm(Context ctx) {
        DashboardSession session = Dashboard.permit(dashboard.require(ctx), Permission.EDIT_CUSTOMERS);
        Customer customer = customers.get(session.principal().tenantId(), ctx.pathParam("id"));
        showEdit(ctx, session, 200, customer.id(), customer.version(), CustomerForm.of(customer), List.of());
    }

    /** A change made meanwhile is not undone unseen: the customer's page says so, showing what is there now. */
    private void edit(Context ctx) {
        DashboardSession session = Dashboard.permit(dashboard.requireForm(ctx), Permission.EDIT_CUSTOMERS);
        String id = ctx.pathParam("id");
        long version = CustomerPages.version(ctx);
        CustomerForm form = CustomerForm.of(ctx);
        Notice notice = Notice.PROFILE_SAVED;
        try {
            support.changeProfile(session.principal().tenantId(), id, JsonInput.of(form.changes(version)),
                    requests.client(ctx));
        } catch (ApiError refused) {
            if (!refused.code().equals(VERSION_CONFLICT)) {
                showEdit(ctx, session, refused.status(), id, version, form,
                        Dashboard.formErrors(refused, EMAIL_TAKEN, "email", "taken"));
                return;
            }
            notice = Notice.VERSION_CONFLICT;
        }
        Dashboard.redirect(ctx, "/dashboard/customers/" + Dashboard.encode(id) + "?notice=" + notice.wire());
    }

    private void showEdit(Context ctx, DashboardSession session, int status, String id, long version,
                          CustomerForm form, List<FieldError> errors) {
        dashboard.render(ctx, status, "customer-form.jte", new CustomerFormPage(
                dashboard.frame(ctx, session, "Edit profile", "customers"), id, version, form, errors, false));
    }
}
