package dev.latchkey.dashboard;

import dev.latchkey.admin.CustomerMerge;
import dev.latchkey.audit.Actor;
import dev.latchkey.auth.Permission;
import dev.latchkey.customer.AdminCustomer;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.customer.EmailAddress;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.Identifiers;
import dev.latchkey.http.Requests;
import dev.latchkey.http.Text;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.List;
import java.util.Optional;

/**
 * "Merge a duplicate into this customer": find the duplicate by email or id, see what moves and what is erased, then
 * confirm. The merge is the admin API's ({@link CustomerMerge}), with its permissions (it erases a customer, as
 * "Delete customer" does, and changes another) and its refusals; confirmed with a box, as a deletion is.
 */
public final class MergePages {
    /**
     * {@code find}: what was searched for, as typed ("" for nothing yet); {@code problem}: why nobody can be merged
     * from it, or null; {@code preview}: the merge with the customer found, or null.
     */
    public record MergePage(Frame frame, Customer kept, String find, String problem, CustomerMerge.Preview preview) {
    }

    private final Dashboard dashboard;
    private final CustomerService customers;
    private final CustomerMerge merges;
    private final Requests requests;

    MergePages(Dashboard dashboard, CustomerService customers, CustomerMerge merges, Requests requests) {
        this.dashboard = dashboard;
        this.customers = customers;
        this.merges = merges;
        this.requests = requests;
    }

    void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/dashboard/customers/{id}/merge", dashboard.page(this::show));
        routes.post("/dashboard/customers/{id}/merge", dashboard.page(this::merge));
    }

    private static DashboardSession permit(DashboardSession session) {
        return Dashboard.permit(Dashboard.permit(session, Permission.DELETE_CUSTOMERS), Permission.EDIT_CUSTOMERS);
    }

    /** The search form, and with {@code ?find=} the customer found and what merging them would do. */
    private void show(Context ctx) {
        DashboardSession session = permit(dashboard.require(ctx));
        String tenantId = session.principal().tenantId();
        Customer kept = customers.forAdmin(tenantId, ctx.pathParam("id")).customer();
        String find = Dashboard.filterField(ctx, "find");
        if (ctx.queryParams("find").size() > 1) {
            // refused as every list's filter given twice is: which of two customers to offer for erasure is not guessed
            throw new ApiError(422, "validation_failed", "Search for one email address or customer id.");
        }
        Frame frame = dashboard.frame(ctx, session, "Merge a duplicate into " + kept.email(), "customers");
        if (find.isEmpty()) {
            dashboard.render(ctx, 200, "merge.jte", new MergePage(frame, kept, find, null, null));
            return;
        }
        Optional<String> found = duplicate(tenantId, find);
        String problem = found.isEmpty() ? "No customer of this shop has that email address or id."
                : found.get().equals(kept.id()) ? "That is this customer; find the duplicate to merge into them."
                : null;
        CustomerMerge.Preview preview = problem == null ? merges.preview(tenantId, kept.id(), found.get()) : null;
        dashboard.render(ctx, 200, "merge.jte", new MergePage(frame, kept, find, problem, preview));
    }

    /** The customer with this id, or else with this email address; an unreadable search finds nobody. */
    private Optional<String> duplicate(String tenantId, String find) {
        if (Text.hasControlCharacter(find) || Text.length(find) > EmailAddress.MAX_LENGTH) {
            throw new ApiError(422, "validation_failed", "Search for one email address or customer id.");
        }
        Customer byId = Identifiers.safe(find, Identifiers.MAX_ID)
                ? customers.findAll(tenantId, List.of(find)).get(find) : null;
        return byId != null ? Optional.of(byId.id()) : customers.findByEmail(tenantId, find).map(Customer::id);
    }

    private void merge(Context ctx) {
        DashboardSession session = permit(dashboard.requireForm(ctx));
        if (!"yes".equals(ctx.formParam("confirm"))) {
            throw new ApiError(422, "validation_failed", "Tick the box to confirm the merge.");
        }
        String sourceId = ctx.formParam("source_id");
        if (sourceId == null || sourceId.isEmpty()) {
            throw new ApiError(422, "validation_failed", "The form is incomplete; find the duplicate again.");
        }
        if (!Identifiers.safe(sourceId, Identifiers.MAX_ID)) {
            throw ApiError.notFound("Customer"); // no id of ours: as an unknown one
        }
        String keptId = ctx.pathParam("id");
        ClientInfo client = requests.client(ctx);
        AdminCustomer kept = merges.merge(session.principal().tenantId(), keptId, sourceId,
                new Actor(client.staffId()), client);
        Dashboard.redirect(ctx, "/dashboard/customers/" + Dashboard.encode(kept.customer().id()) + "?notice="
                + Notice.CUSTOMERS_MERGED.wire());
    }
}
