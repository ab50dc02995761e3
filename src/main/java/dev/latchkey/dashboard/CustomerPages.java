package dev.latchkey.dashboard;

import dev.latchkey.address.Address;
import dev.latchkey.address.AddressService;
import dev.latchkey.admin.AdminCustomerRoutes;
import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditFilter;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.auth.Permission;
import dev.latchkey.auth.Session;
import dev.latchkey.bulk.CustomerDownload;
import dev.latchkey.auth.SessionService;
import dev.latchkey.customer.AdminCustomer;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerFilter;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.customer.CustomerTags;
import dev.latchkey.customer.MarketingConsent;
import dev.latchkey.customer.OrderSummaries;
import dev.latchkey.customer.OrderSummary;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.FieldError;
import dev.latchkey.http.Identifiers;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Page;
import dev.latchkey.http.QueryParams;
import dev.latchkey.http.Requests;
import dev.latchkey.privacy.ExportService;
import dev.latchkey.http.Text;
import dev.latchkey.lockout.LockoutService;
import dev.latchkey.order.OrderService;
import dev.latchkey.oidc.IdentityView;
import dev.latchkey.passkey.Passkey;
import dev.latchkey.order.OrderView;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The customer list with search and paging, and one customer's page: status, passkeys, linked sign-in accounts, address
 * book, latest orders, lockout, sessions and events.
 */
public final class CustomerPages {
    private static final int PAGE_SIZE = 25;
    private static final String ACCEPTS_MARKETING = "accepts_marketing";
    private static final String EMAIL_VERIFIED = "email_verified";
    private static final String MARKETING_STATE = "marketing_state";
    private static final int MAX_QUERY = 254;
    private static final int SESSIONS_SHOWN = 100;
    private static final int EVENTS_SHOWN = 20;
    private static final int ORDERS_SHOWN = 20;
    /** The unlink's refusal of an account's only way in. */
    private static final String ONLY_WAY_IN = "last_sign_in_method";
    /** A form's version older than the customer's: changed meanwhile. */
    private static final String VERSION_CONFLICT = "version_conflict";

    /** A status change the page offers, as a button. */
    public record StatusAction(String status, String label) {
    }

    /**
     * The filters as sent, trimmed: {@code tags} those not left empty, {@code acceptsMarketing},
     * {@code emailVerified} and {@code marketingState} "" for any; {@code marketingStates}: the consent's states to
     * choose from; {@code errors}: why a filter could not be read, named as the admin API names it (empty when all
     * were read); {@code listQuery}: this page's query (filters and page), for the action bar to
     * come back to.
     */
    public record CustomersPage(Frame frame, String query, String status, List<String> tags, String acceptsMarketing,
                                String emailVerified, String marketingState, List<FieldError> errors,
                                List<String> statuses, List<String> marketingStates,
                                List<Customer> customers, Map<String, OrderSummary> orderSummaries,
                                String nextUrl, boolean searched, boolean canExport, boolean canEditCustomers,
                                String listQuery) {
        /** The order summary of a customer of the list. */
        public OrderSummary orders(Customer customer) {
            return orderSummaries.get(customer.id());
        }

        /** The export link's query: the list's status, and its tags and flags when it has them. */
        public String exportQuery() {
            return "status=" + Dashboard.encode(status) + tagsQuery(tags)
                    + flagsQuery(acceptsMarketing, emailVerified, marketingState);
        }

        /** The action bar's statuses: those a customer's page offers some customer, never pending activation. */
        public List<String> bulkStatuses() {
            return CustomerSupport.anyTargets().stream().map(Customer.Status::wire).toList();
        }

        /** The tag fields' values: one field each, and one empty field when the list has none. */
        public List<String> tagFields() {
            return tags.isEmpty() ? List.of("") : tags;
        }

        /** The message about the filter {@code field} (its query parameter's name), or null. */
        public String error(String field) {
            return FieldError.messageFor(errors, field);
        }
    }

    /**
     * {@code tags}: the merchant's tags of the customer (the note is the customer's); {@code canEdit}: may change them;
     * {@code orders}: the latest of the customer's orders, {@code orderSummary}: the figures of all of them.
     */
    public record CustomerPage(Frame frame, Customer customer, List<String> tags, boolean canEdit,
                               List<Address> addresses, Page<OrderView> orders, OrderSummary orderSummary,
                               LockoutService.Status lockout, List<Session> sessions, List<Passkey> passkeys,
                               List<IdentityView> identities, List<AuditEvent> events, List<StatusAction> actions,
                               boolean canUnlock, boolean canResetMfa, boolean canRevoke, boolean canDelete,
                               boolean canViewAudit, boolean canResendVerification, boolean canSendPasswordReset,
                               boolean canExport) {
    }

    private final Dashboard dashboard;
    private final CustomerService customers;
    private final CustomerSupport support;
    private final LockoutService lockout;
    private final SessionService sessions;
    private final AuditLog audit;
    private final ExportService export;
    private final AddressService addresses;
    private final OrderService orders;
    private final OrderSummaries orderSummaries;
    private final CustomerDownload download;
    private final Requests requests;

    CustomerPages(Dashboard dashboard, CustomerService customers, CustomerSupport support, LockoutService lockout,
                  SessionService sessions, AuditLog audit, ExportService export, AddressService addresses,
                  OrderService orders, CustomerDownload download, Requests requests) {
        this.dashboard = dashboard;
        this.customers = customers;
        this.addresses = addresses;
        this.orders = orders;
        this.orderSummaries = orders::summaries;
        this.support = support;
        this.lockout = lockout;
        this.sessions = sessions;
        this.audit = audit;
        this.export = export;
        this.download = download;
        this.requests = requests;
    }

    void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/dashboard/customers", dashboard.page(this::list));
        // before the customer's page, whose {id} would take "export"
        routes.get("/dashboard/customers/export", dashboard.page(this::exportAll));
        routes.get("/dashboard/customers/{id}", dashboard.page(this::detail));
        routes.post("/dashboard/customers/{id}/tags-note", dashboard.page(ctx -> noticeOn(ctx, VERSION_CONFLICT,
                Notice.VERSION_CONFLICT, () -> act(ctx, Permission.EDIT_CUSTOMERS, Notice.TAGS_NOTE_SAVED,
                        (tenantId, id, client) -> support.changeTagsAndNote(tenantId, id, ctx.formParam("tags"),
                                ctx.formParam("note"), version(ctx), client)))));
        routes.post("/dashboard/customers/{id}/status", dashboard.page(ctx -> act(ctx, Permission.EDIT_CUSTOMERS,
                Notice.STATUS_CHANGED, (tenantId, id, client) -> support.changeStatus(tenantId, id, status(ctx), client))));
        routes.post("/dashboard/customers/{id}/lockout/reset", dashboard.page(ctx -> act(ctx,
                Permission.RESET_LOCKOUTS, Notice.UNLOCKED, lockout::unlock)));
        routes.post("/dashboard/customers/{id}/mfa/reset", dashboard.page(ctx -> act(ctx,
                Permission.RESET_MFA, Notice.MFA_RESET, support::resetMfa)));
        routes.post("/dashboard/customers/{id}/passkeys/{pid}/remove", dashboard.page(ctx -> act(ctx,
                Permission.RESET_MFA, Notice.PASSKEY_REMOVED, (tenantId, id, client) ->
                        support.removePasskey(tenantId, id, ctx.pathParam("pid"), client))));
        routes.post("/dashboard/customers/{id}/identities/{iid}/unlink", dashboard.page(this::unlinkIdentity));
        routes.post("/dashboard/customers/{id}/sessions/{sid}/revoke", dashboard.page(ctx -> act(ctx,
                Permission.REVOKE_SESSIONS, Notice.SESSION_REVOKED, (tenantId, id, client) ->
                        support.revokeSession(tenantId, id, ctx.pathParam("sid"), client))));
        routes.post("/dashboard/customers/{id}/sessions/revoke-all", dashboard.page(ctx -> act(ctx,
                Permission.REVOKE_SESSIONS, Notice.SESSIONS_REVOKED, support::revokeAllSessions)));
        routes.post("/dashboard/customers/{id}/verification/resend", dashboard.page(ctx -> act(ctx,
                Permission.RESEND_VERIFICATION, Notice.VERIFICATION_SENT, support::resendVerification)));
        routes.post("/dashboard/customers/{id}/password-reset", dashboard.page(ctx -> act(ctx,
                Permission.SEND_PASSWORD_RESET, Notice.PASSWORD_RESET_SENT, support::sendPasswordReset)));
        routes.get("/dashboard/customers/{id}/export", dashboard.page(this::export));
        routes.post("/dashboard/customers/{id}/delete", dashboard.page(this::delete));
    }

    private void list(Context ctx) {
        DashboardSession session = dashboard.require(ctx);
        Dashboard.permit(session, Permission.VIEW_CUSTOMERS);
        // as typed, for the form to show back; read for the list by filter(), which judges them
        String query = Dashboard.filterField(ctx, "q");
        String status = Dashboard.filterField(ctx, "status");
        List<String> tags = typed(ctx.queryParams("tag"));
        String acceptsMarketing = Dashboard.filterField(ctx, ACCEPTS_MARKETING);
        String emailVerified = Dashboard.filterField(ctx, EMAIL_VERIFIED);
        String marketingState = Dashboard.filterField(ctx, MARKETING_STATE);
        Frame frame = dashboard.frame(ctx, session, "Customers", "customers");
        List<String> statuses = Arrays.stream(Customer.Status.values()).map(Customer.Status::wire).toList();
        List<String> marketingStates = Arrays.stream(MarketingConsent.State.values()).map(MarketingConsent.State::wire)
                .toList();
        boolean searched = !query.isEmpty() || !status.isEmpty() || !tags.isEmpty() || !acceptsMarketing.isEmpty()
                || !emailVerified.isEmpty() || !marketingState.isEmpty();
        CustomerFilter filter;
        try {
            filter = filter(ctx, readQuery(ctx));
        } catch (ApiError refused) {
            if (refused.errors().isEmpty()) {
                throw refused;
            }
            dashboard.render(ctx, refused.status(), "customers.jte", new CustomersPage(frame, query, status, tags,
                    acceptsMarketing, emailVerified, marketingState, refused.errors(), statuses, marketingStates,
                    List.of(), Map.of(), null, searched,
                    false, session.can(Permission.EDIT_CUSTOMERS), ""));
            return;
        }
        String tenantId = session.principal().tenantId();
        Page<Customer> page = customers.list(tenantId, filter, Dashboard.cursor(ctx, Listing.CUSTOMERS), PAGE_SIZE);
        String filters = "q=" + Dashboard.encode(query) + "&status=" + Dashboard.encode(status) + tagsQuery(tags)
                + flagsQuery(acceptsMarketing, emailVerified, marketingState);
        String cursor = Dashboard.filterField(ctx, "cursor");
        String next = Dashboard.nextUrl("/dashboard/customers?" + filters, page);
        dashboard.render(ctx, 200, "customers.jte", new CustomersPage(frame, query, status, tags, acceptsMarketing,
                emailVerified, marketingState, List.of(), statuses, marketingStates, page.data(),
                orderSummaries.of(tenantId, page.data().stream().map(Customer::id).toList()), next, searched,
                session.can(Permission.EXPORT_CUSTOMERS), session.can(Permission.EDIT_CUSTOMERS),
                filters + (cursor.isEmpty() ? "" : "&cursor=" + Dashboard.encode(cursor))));
    }

    /**
     * The search term, trimmed, or null for none; a control character, more than {@link #MAX_QUERY} characters or
     * {@code q} given twice (422 naming it) are refused.
     */
    private static String readQuery(Context ctx) {
        String typed = QueryParams.single(ctx, "q");
        // judged as typed, as the API judges it: trimming would take some control characters for spaces
        if (typed != null && Text.hasControlCharacter(typed)) {
            throw new ApiError(422, "validation_failed", "Search for text without control characters.");
        }
        String query = trimmed(typed);
        if (query != null && Text.length(query) > MAX_QUERY) {
            throw new ApiError(422, "validation_failed", "Search for at most " + MAX_QUERY + " characters.");
        }
        return query;
    }

    /**
     * The list's filter with the search term {@code query} (null for none): its status ({@code status} given twice
     * answers 422 naming it), its tags (each {@code tag} given, a customer must have all, as the admin API reads
     * them), its marketing consent and email verification, and the consent's state, read as the admin API reads them
     * (a choice that is not true, false or empty, or not a state or empty, answers the API's 422 naming it, as does
     * one given twice).
     */
    private static CustomerFilter filter(Context ctx, String query) {
        List<String> tags = typed(AdminCustomerRoutes.tagsGiven(ctx)).stream().map(CustomerPages::tag).toList();
        return new CustomerFilter(query, status(trimmed(QueryParams.single(ctx, "status"))), tags,
                QueryParams.bool(ctx, ACCEPTS_MARKETING), QueryParams.bool(ctx, EMAIL_VERIFIED),
                AdminCustomerRoutes.marketingStateFilter(ctx));
    }

    /** The values given, trimmed, but for the empty ones: an empty field filters by nothing. */
    private static List<String> typed(List<String> given) {
        return given.stream().map(CustomerPages::trimmed).filter(Objects::nonNull).toList();
    }

    /** The tags a list keeps, as the query of a link that keeps them too ("" when it keeps none). */
    private static String tagsQuery(List<String> tags) {
        return tags.stream().map(tag -> "&tag=" + Dashboard.encode(tag)).collect(Collectors.joining());
    }

    /** The flags and consent state a list keeps, as the query of a link that keeps them too ("" when none). */
    private static String flagsQuery(String acceptsMarketing, String emailVerified, String marketingState) {
        return kept(ACCEPTS_MARKETING, acceptsMarketing) + kept(EMAIL_VERIFIED, emailVerified)
                + kept(MARKETING_STATE, marketingState);
    }

    private static String kept(String name, String value) {
        return value.isEmpty() ? "" : "&" + name + "=" + Dashboard.encode(value);
    }

    /** One tag of the list's filter, as the API reads a {@code ?tag=}: one tag, not a list of them. */
    private static String tag(String tag) {
        if (CustomerSupport.tagsOf(tag).size() != 1 || Text.hasControlCharacter(tag)
                || Text.length(tag) > CustomerTags.MAX_LENGTH) {
            throw new ApiError(422, "validation_failed", "Filter by tags of at most " + CustomerTags.MAX_LENGTH
                    + " characters each, without commas.");
        }
        return tag;
    }

    /** The version of the customer the form was made for, so that a change made meanwhile is not undone unseen. */
    static long version(Context ctx) {
        return Text.wholeNumber(ctx.formParam("version")).stream().filter(v -> v > 0).boxed().findFirst()
                .orElseThrow(() -> new ApiError(422, "validation_failed", "The form is incomplete; reload the page."));
    }

    private static Customer.Status status(String wire) {
        return wire == null ? null : Customer.Status.ofWire(wire)
                .orElseThrow(() -> new ApiError(422, "validation_failed", "Choose a status from the list."));
    }

    /**
     * Every customer (of the list's status, tag, flags and consent state) as the CSV of
     * {@code GET /v1/admin/customers/export}.
     */
    private void exportAll(Context ctx) {
        DashboardSession session = dashboard.require(ctx);
        Dashboard.permit(session, Permission.EXPORT_CUSTOMERS);
        download.csv(ctx, session.principal(), filter(ctx, null));
    }

    private void detail(Context ctx) {
        DashboardSession session = dashboard.require(ctx);
        Dashboard.permit(session, Permission.VIEW_CUSTOMERS);
        String tenantId = session.principal().tenantId();
        AdminCustomer tagged = customers.forAdmin(tenantId, ctx.pathParam("id"));
        Customer customer = tagged.customer();
        List<StatusAction> actions = !session.can(Permission.EDIT_CUSTOMERS) ? List.of()
                : CustomerSupport.targets(customer.status()).stream().map(s -> action(customer.status(), s)).toList();
        List<AuditEvent> events = session.can(Permission.VIEW_AUDIT)
                ? audit.list(tenantId, AuditFilter.about(customer.id()), null, EVENTS_SHOWN).data() : List.of();
        dashboard.render(ctx, 200, "customer.jte", new CustomerPage(
                dashboard.frame(ctx, session, customer.email(), "customers"), customer, tagged.tags(),
                session.can(Permission.EDIT_CUSTOMERS), addresses.allOf(customer),
                orders.history(tenantId, customer.id(), null, ORDERS_SHOWN),
                orderSummaries.of(tenantId, customer.id()),
                lockout.status(tenantId, customer.id()),
                sessions.listForAdmin(tenantId, customer.id(), null, SESSIONS_SHOWN).data(),
                support.passkeys(tenantId, customer.id()), support.identities(tenantId, customer.id()), events,
                actions,
                session.can(Permission.RESET_LOCKOUTS), session.can(Permission.RESET_MFA),
                session.can(Permission.REVOKE_SESSIONS),
                session.can(Permission.DELETE_CUSTOMERS), session.can(Permission.VIEW_AUDIT),
                session.can(Permission.RESEND_VERIFICATION) && !customer.emailVerified(),
                session.can(Permission.SEND_PASSWORD_RESET) && customer.status() == Customer.Status.ACTIVE,
                session.can(Permission.EXPORT_CUSTOMERS)));
    }

    private static StatusAction action(Customer.Status from, Customer.Status to) {
        String label = switch (to) {
            case ACTIVE -> from == Customer.Status.PENDING_ACTIVATION ? "Activate" : "Re-activate";
            case ON_HOLD -> "Put on hold";
            case DISABLED -> "Disable";
            case PENDING_ACTIVATION -> throw new IllegalArgumentException("never a target");
        };
        return new StatusAction(to.wire(), label);
    }

    /** Something done to one customer from their page. */
    @FunctionalInterface
    private interface CustomerAction {
        void run(String tenantId, String customerId, ClientInfo client);
    }

    /** A form on the customer's page: session, CSRF token and permission first, then back to the page with a notice. */
    private void act(Context ctx, Permission permission, Notice notice, CustomerAction action) {
        DashboardSession session = dashboard.requireForm(ctx);
        Dashboard.permit(session, permission);
        String id = ctx.pathParam("id");
        action.run(session.principal().tenantId(), id, requests.client(ctx));
        Dashboard.redirect(ctx, "/dashboard/customers/" + Dashboard.encode(id) + "?notice=" + notice.wire());
    }

    /** Unlinks a sign-in account as the admin API does; the account's only way in stays linked, with a notice. */
    private void unlinkIdentity(Context ctx) {
        noticeOn(ctx, ONLY_WAY_IN, Notice.LAST_SIGN_IN_METHOD, () -> act(ctx, Permission.EDIT_CUSTOMERS,
                Notice.IDENTITY_UNLINKED, (tenantId, id, client) ->
                        support.unlinkIdentity(tenantId, id, Identifiers.pathId(ctx, "iid", "Identity"), client)));
    }

    /**
     * Runs a customer action whose refusal {@code code} is met in the course of the work, not an error: the
     * customer's page then says so in {@code refusal}'s notice, showing the customer as they are now.
     */
    private static void noticeOn(Context ctx, String code, Notice refusal, Runnable action) {
        try {
            action.run();
        } catch (ApiError refused) {
            if (!refused.code().equals(code)) {
                throw refused;
            }
            Dashboard.redirect(ctx, "/dashboard/customers/" + Dashboard.encode(ctx.pathParam("id")) + "?notice="
                    + refusal.wire());
        }
    }

    /** Any status: a move this customer's buttons do not offer is refused by {@link CustomerSupport#changeStatus}. */
    private static Customer.Status status(Context ctx) {
        return CustomerSupport.chosenStatus(ctx.formParam("status"), List.of(Customer.Status.values()));
    }

    private void delete(Context ctx) {
        DashboardSession session = dashboard.requireForm(ctx);
        Dashboard.permit(session, Permission.DELETE_CUSTOMERS);
        if (!"yes".equals(ctx.formParam("confirm"))) {
            throw new ApiError(422, "validation_failed", "Tick the box to confirm the deletion.");
        }
        // an unknown id is refused with 404 by the erasure's own lookup
        support.delete(session.principal().tenantId(), ctx.pathParam("id"), requests.client(ctx));
        Dashboard.redirect(ctx, "/dashboard/customers?notice=" + Notice.CUSTOMER_DELETED.wire());
    }

    /** The customer's data export as a file to download, for the merchant to hand over. */
    private void export(Context ctx) {
        DashboardSession session = dashboard.require(ctx);
        Dashboard.permit(session, Permission.EXPORT_CUSTOMERS);
        String id = ctx.pathParam("id");
        // named a download only once the customer is known to exist: a refusal is a page, and the path is no name
        // to put in a header before it has matched a customer's id
        String download = "attachment; filename=\"" + id + ".json\"";
        if (Requests.headOnly(ctx, ContentType.JSON)) {
            export.requireCustomer(session.principal().tenantId(), id);
            ctx.header("Content-Disposition", download);
            return;
        }
        export.exportForMerchant(session.principal().tenantId(), id, session.principal().actor(), requests.client(ctx),
                (document, beforeEnd) -> {
                    ctx.header("Content-Disposition", download);
                    requests.writeJson(ctx, document, beforeEnd);
                });
    }

    /** Trimmed as the API trims a search, of spaces of every kind; null when nothing is left. */
    private static String trimmed(String value) {
        return value == null || Text.isBlank(value) ? null : Text.trim(value);
    }
}
