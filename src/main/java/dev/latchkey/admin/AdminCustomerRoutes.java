package dev.latchkey.admin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.auth.Guard;
import dev.latchkey.auth.Permission;
import dev.latchkey.customer.AdminCustomer;
import dev.latchkey.customer.AdminCustomerView;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerFilter;
import dev.latchkey.customer.CustomerExpansions;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.customer.CustomerTags;
import dev.latchkey.customer.EmailAddress;
import dev.latchkey.customer.MarketingConsent;
import dev.latchkey.customer.OrderSummaries;
import dev.latchkey.customer.OrderSummary;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.Identifiers;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Page;
import dev.latchkey.http.Paging;
import dev.latchkey.http.QueryParams;
import dev.latchkey.http.Requests;
import dev.latchkey.mfa.MfaService;
import dev.latchkey.verification.RedirectPolicy;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The merchant's customer routes: list and search, create or import (or invite), read (with the parts
 * {@code ?expand=} adds), change (one customer, or the tags and status of many at once), merge a duplicate into a
 * customer, erase, send the verification mail again, and send a password-reset mail. An import brings the password
 * hash from the old shop system (Argon2 PHC or bcrypt), which verifies as it is and is moved to Argon2id at the
 * customer's first login.
 */
public final class AdminCustomerRoutes {
    private final Guard guard;
    private final CustomerService customers;
    private final AdminCustomerService admins;
    private final NewAccountInput newAccounts;
    private final Requests requests;
    private final CustomerExpansions expansions;
    private final MfaService mfa;
    private final BulkCustomerChanges bulk;
    private final OrderSummaries orderSummaries;
    private final CustomerMerge merges;

    public AdminCustomerRoutes(Guard guard, CustomerService customers, AdminCustomerService admins,
                               BulkCustomerChanges bulk, NewAccountInput newAccounts, Requests requests,
                               CustomerExpansions expansions, MfaService mfa, OrderSummaries orderSummaries,
                               CustomerMerge merges) {
        this.guard = guard;
        this.customers = customers;
        this.admins = admins;
        this.bulk = bulk;
        this.newAccounts = newAccounts;
        this.requests = requests;
        this.expansions = expansions;
        this.mfa = mfa;
        this.orderSummaries = orderSummaries;
        this.merges = merges;
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/v1/admin/customers", this::list);
        routes.post("/v1/admin/customers", this::create);
        routes.post("/v1/admin/customers/bulk", this::changeMany);
        routes.get("/v1/admin/customers/{id}", this::get);
        routes.patch("/v1/admin/customers/{id}", this::update);
        routes.post("/v1/admin/customers/{id}/tags", this::changeTags);
        routes.delete("/v1/admin/customers/{id}", this::delete);
        routes.post("/v1/admin/customers/{id}/verification", this::resendVerification);
        routes.post("/v1/admin/customers/{id}/password-reset", this::sendPasswordReset);
        routes.delete("/v1/admin/customers/{id}/mfa", this::resetMfa);
        routes.post("/v1/admin/customers/{id}/merge", this::merge);
    }

    /** Every answer of one customer carries their order summary, as the list's rows and the read do. */
    private AdminCustomerView view(String tenantId, AdminCustomer customer) {
        return AdminCustomerView.of(customer, orderSummaries.of(tenantId, customer.customer().id()),
                requests.mapper());
    }

    /** A page of customers with their tags and order summaries: two statements for the page, none per customer. */
    private Page<AdminCustomerView> views(String tenantId, Page<Customer> page) {
        Page<AdminCustomer> tagged = customers.withTags(tenantId, page);
        Map<String, OrderSummary> summaries = orderSummaries.of(tenantId,
                page.data().stream().map(Customer::id).toList());
        return tagged.map(c -> AdminCustomerView.of(c, summaries.get(c.customer().id()), requests.mapper()));
    }

    /** Customers already tagged with their order summaries, read in one statement for all of them. */
    private List<AdminCustomerView> views(String tenantId, List<AdminCustomer> tagged) {
        Map<String, OrderSummary> summaries = orderSummaries.of(tenantId,
                tagged.stream().map(c -> c.customer().id()).toList());
        return tagged.stream().map(c -> AdminCustomerView.of(c, summaries.get(c.customer().id()), requests.mapper()))
                .toList();
    }

    /** Newest first; with {@code updated_since}, the changes since then, oldest first (for a sync, without a search). */
    private void list(Context ctx) {
        String tenantId = guard.admin(ctx, Permission.VIEW_CUSTOMERS).tenantId();
        Instant since = QueryParams.instant(ctx, "updated_since");
        // the two orders' cursors name the same kind of position: each is refused by the other
        Paging paging = Paging.from(ctx, since == null ? Listing.CUSTOMERS : Listing.CUSTOMER_CHANGES);
        CustomerFilter filter = filter(ctx, QueryParams.text(ctx, "query", EmailAddress.MAX_LENGTH));
        if (since == null) {
            ctx.json(views(tenantId, customers.list(tenantId, filter, paging.cursor(), paging.limit())));
            return;
        }
        if (filter.query() != null) {
            throw ApiError.validation("updated_since", "invalid", "updated_since lists changes in their order; it "
                    + "does not combine with query.");
        }
        ctx.json(views(tenantId, customers.changedSince(tenantId, since, filter, paging.cursor(), paging.limit())));
    }

    /**
     * The customer list's filters with the search term {@code query} (null for none): the export takes them too,
     * without a term.
     */
    public static CustomerFilter filter(Context ctx, String query) {
        return new CustomerFilter(query, statusFilter(ctx), tagFilter(ctx), QueryParams.bool(ctx, "accepts_marketing"),
                QueryParams.bool(ctx, "email_verified"), marketingStateFilter(ctx));
    }

    private static final String MARKETING_STATES = "marketing_state must be one of " + String.join(", ",
            Arrays.stream(MarketingConsent.State.values()).map(MarketingConsent.State::wire).toList()) + ".";

    /**
     * {@code ?marketing_state=}, one of the consent's four states, or null when absent or empty (a form's "any");
     * anything else, another case included, or giving it twice answers 422 naming it. The customer list's filter, the
     * export's and the dashboard list's.
     */
    public static MarketingConsent.State marketingStateFilter(Context ctx) {
        String state = QueryParams.text(ctx, "marketing_state", 32);
        return state == null ? null : MarketingConsent.State.ofWire(state)
                .orElseThrow(() -> ApiError.validation("marketing_state", "invalid", MARKETING_STATES));
    }

    /** At most this many {@code ?tag=} at once: each is one more condition on every customer a page looks at. */
    private static final int MAX_TAG_FILTERS = 10;

    /**
     * {@code ?tag=} (repeatable; a customer must have all), trimmed, each a tag as the customer's would be; the
     * customer list's filter and the export's.
     */
    private static List<String> tagFilter(Context ctx) {
        List<String> given = tagsGiven(ctx);
        JsonInput in = JsonInput.of(JsonNodeFactory.instance.objectNode().set("tag",
                JsonNodeFactory.instance.arrayNode().addAll(given.stream()
                        .map(JsonNodeFactory.instance::textNode).toList())));
        List<String> tags = CustomerTags.read(in, "tag").orElse(List.of());
        in.validate();
        return tags;
    }

    /**
     * Every {@code ?tag=} as given; more than {@link #MAX_TAG_FILTERS} answers 422 naming it. The dashboard's list
     * reads its tags through this too.
     */
    public static List<String> tagsGiven(Context ctx) {
        List<String> given = ctx.queryParams("tag");
        if (given.size() > MAX_TAG_FILTERS) {
            throw ApiError.validation("tag", "too_long", "tag may be given at most " + MAX_TAG_FILTERS + " times.");
        }
        return given;
    }

    /** {@code ?status=}, one of the four, or null when not given: the customer list's filter, and the export's. */
    private static Customer.Status statusFilter(Context ctx) {
        String status = QueryParams.text(ctx, "status", 32);
        return status == null ? null : Customer.Status.ofWire(status)
                .orElseThrow(() -> ApiError.validation("status", "invalid", NewAccountInput.statusValues()));
    }

    private void create(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.EDIT_CUSTOMERS);
        JsonInput in = requests.body(ctx);
        var account = newAccounts.read(in, admin.tenantId());
        in.validate();
        AdminCustomer created = admins.create(admin.tenantId(), account, admin.actor(), requests.client(ctx));
        ctx.status(201).json(view(admin.tenantId(), created));
    }

    private void get(Context ctx) {
        String tenantId = guard.admin(ctx, Permission.VIEW_CUSTOMERS).tenantId();
        String id = Identifiers.pathId(ctx, "id", "Customer");
        Set<String> expand = expansions.requested(ctx);
        ctx.json(expansions.view(customers.forAdmin(tenantId, id), orderSummaries.of(tenantId, id), expand));
    }

    private void update(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.EDIT_CUSTOMERS);
        String id = Identifiers.pathId(ctx, "id", "Customer");
        JsonInput in = requests.body(ctx);
        CustomerChangesInput.Changes read = CustomerChangesInput.read(in, requests.mapper());
        in.validate();
        ctx.json(view(admin.tenantId(), admins.update(admin.tenantId(), id, read.changes(), read.version(),
                admin.actor(), requests.client(ctx))));
    }

    /** {@code {"add": [...], "remove": [...]}}: either may be left out, not both; a tag may not be in both. */
    private void changeTags(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.EDIT_CUSTOMERS);
        String id = Identifiers.pathId(ctx, "id", "Customer");
        JsonInput in = requests.body(ctx);
        in.rejectUnknown(Set.of("add", "remove"), "Only add and remove are taken here.");
        TagChange tags = TagChange.read(in, "add", "remove");
        if (!in.has("add") && !in.has("remove")) {
            in.reject("add", "required", "Give add, remove or both.");
        }
        in.validate();
        ctx.json(view(admin.tenantId(), admins.changeTags(admin.tenantId(), id, tags.add(), tags.remove(),
                admin.actor(), requests.client(ctx))));
    }

    /** The answer of a bulk change: how many customers changed, each of them as they are now, and the others' ids. */
    record BulkAnswer(int changed, List<AdminCustomerView> customers, List<String> unchangedIds) {
    }

    /** {@code {"ids": [...], "add_tags": [...], "remove_tags": [...], "status": "..."}}: see {@link BulkChangeInput}. */
    private void changeMany(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.EDIT_CUSTOMERS);
        JsonInput in = requests.body(ctx);
        BulkChangeInput.Request request = BulkChangeInput.read(in);
        in.validate();
        BulkCustomerChanges.Result result = bulk.apply(admin.tenantId(), request, admin.actor(),
                requests.client(ctx));
        ctx.json(new BulkAnswer(result.changed().size(), views(admin.tenantId(), result.changed()),
                result.unchanged()));
    }

    private void delete(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.DELETE_CUSTOMERS);
        String id = Identifiers.pathId(ctx, "id", "Customer");
        admins.delete(admin.tenantId(), id, admin.actor(), requests.client(ctx));
        ctx.status(204);
    }

    /**
     * {@code {"source_id"}}: that customer goes into this one and is erased. It erases a customer and changes another,
     * so it needs both permissions.
     */
    private void merge(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.DELETE_CUSTOMERS, Permission.EDIT_CUSTOMERS);
        String id = Identifiers.pathId(ctx, "id", "Customer");
        JsonInput in = requests.body(ctx);
        String sourceId = in.required("source_id", Identifiers.MAX_ID);
        in.validate();
        ctx.json(view(admin.tenantId(), merges.merge(admin.tenantId(), id, sourceId, admin.actor(),
                requests.client(ctx))));
    }

    private void resendVerification(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.RESEND_VERIFICATION);
        String id = Identifiers.pathId(ctx, "id", "Customer");
        String url = linkUrl(ctx, "verification_url");
        admins.resendVerification(admin.tenantId(), id, url, admin.actor(), requests.client(ctx));
        ctx.status(202).json(Map.of("message", "A verification email is on its way to the customer."));
    }

    private void sendPasswordReset(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.SEND_PASSWORD_RESET);
        String id = Identifiers.pathId(ctx, "id", "Customer");
        String url = linkUrl(ctx, "redirect_url");
        boolean sent = admins.sendPasswordReset(admin.tenantId(), id, url, admin.actor(), requests.client(ctx));
        ctx.status(202).json(Map.of("message", sent ? "A password-reset email is on its way to the customer."
                : "A password-reset email went to the customer moments ago; no other is sent within the shop's "
                + "email_interval."));
    }

    /** Support turns off the second factor of a customer who lost their phone, as it would lift a lockout. */
    private void resetMfa(Context ctx) {
        AdminPrincipal admin = guard.admin(ctx, Permission.RESET_MFA);
        String id = Identifiers.pathId(ctx, "id", "Customer");
        mfa.reset(admin.tenantId(), id, admin.actor(), requests.client(ctx));
        ctx.status(204);
    }

    /**
     * The optional body of a mail the merchant sends: the URL its link points to, or null for the tenant's first
     * allowed origin. The service checks the origin, before it looks the customer up.
     */
    private String linkUrl(Context ctx, String field) {
        JsonInput in = requests.body(ctx);
        String url = in.string(field, RedirectPolicy.MAX_URL).orElse(null);
        in.validate();
        return url;
    }
}
