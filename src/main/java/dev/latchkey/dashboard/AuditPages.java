package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditFilter;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.auth.Permission;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.customer.EmailAddress;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Page;
import dev.latchkey.http.Rfc3339;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The shop's audit log (Activity), newest first, 50 per page, read as {@code GET /v1/admin/audit} reads it: filtered by
 * event type, by customer (their id, or their email looked up as the login looks it up) and by a first day.
 */
public final class AuditPages {
    static final String PATH = "/dashboard/audit";
    private static final int PAGE_SIZE = 50;
    private static final Pattern CUSTOMER_ID = Pattern.compile("cus_[A-Za-z0-9]{1,60}");
    /** What the Who column says already, not repeated among the details. */
    private static final Set<String> SHOWN_AS_WHO = Set.of("by", "staff_id");

    /** The filters as typed, "" for one left empty. */
    public record Filters(String type, String customer, String since) {
        public boolean any() {
            return !type.isEmpty() || !customer.isEmpty() || !since.isEmpty();
        }

        String query() {
            return "type=" + Dashboard.encode(type) + "&customer=" + Dashboard.encode(customer) + "&since="
                    + Dashboard.encode(since);
        }
    }

    /** Each filter's message, null for one that was read. */
    public record FilterErrors(String type, String customer, String since) {
        public boolean any() {
            return type != null || customer != null || since != null;
        }
    }

    /**
     * One event as a row: its time in ISO 8601 (UTC), the customer it is about (null for none), who acted, where from,
     * and its details as {@code key=value} pairs.
     */
    public record Row(String time, String type, String customerId, String by, String ip, String userAgent,
                      String details) {
    }

    public record AuditPage(Frame frame, Filters filters, FilterErrors errors, List<String> types, List<Row> rows,
                            String nextUrl) {
        public boolean filtered() {
            return filters.any();
        }
    }

    private final Dashboard dashboard;
    private final AuditLog audit;
    private final CustomerService customers;

    AuditPages(Dashboard dashboard, AuditLog audit, CustomerService customers) {
        this.dashboard = dashboard;
        this.audit = audit;
        this.customers = customers;
    }

    void addTo(JavalinDefaultRoutingApi routes) {
        routes.get(PATH, dashboard.page(this::list));
    }

    private void list(Context ctx) {
        DashboardSession session = dashboard.require(ctx);
        Dashboard.permit(session, Permission.VIEW_AUDIT);
        String tenantId = session.principal().tenantId();
        var filters = new Filters(Dashboard.filterField(ctx, "type"), Dashboard.filterField(ctx, "customer"),
                Dashboard.filterField(ctx, "since"));
        Optional<AuditType> type = filters.type().isEmpty() ? Optional.empty() : AuditType.fromWire(filters.type());
        Optional<Instant> since = since(filters.since());
        var errors = new FilterErrors(
                onceOr(ctx, "type", !filters.type().isEmpty() && type.isEmpty()
                        ? "Choose an event type from the list." : null),
                onceOr(ctx, "customer", customerError(filters.customer())),
                onceOr(ctx, "since", !filters.since().isEmpty() && since.isEmpty()
                        ? "Enter a date as YYYY-MM-DD." : null));
        Frame frame = dashboard.frame(ctx, session, "Activity", "audit");
        List<String> types = Arrays.stream(AuditType.values()).map(AuditType::wire).sorted().toList();
        if (errors.any()) {
            dashboard.render(ctx, 422, "audit.jte", new AuditPage(frame, filters, errors, types, List.of(), null));
            return;
        }
        Optional<String> customerId = customerId(tenantId, filters.customer());
        if (!filters.customer().isEmpty() && customerId.isEmpty()) {
            // an email no customer of the shop has: nothing was recorded about them
            dashboard.render(ctx, 200, "audit.jte", new AuditPage(frame, filters, errors, types, List.of(), null));
            return;
        }
        Page<AuditEvent> page = audit.list(tenantId, new AuditFilter(customerId.orElse(null), type.orElse(null),
                since.orElse(null), null), Dashboard.cursor(ctx, Listing.AUDIT), PAGE_SIZE);
        dashboard.render(ctx, 200, "audit.jte", new AuditPage(frame, filters, errors, types,
                page.data().stream().map(AuditPages::row).toList(),
                Dashboard.nextUrl(PATH + "?" + filters.query(), page)));
    }

    /**
     * A filter given twice is refused, as the admin API's audit log refuses it: which of the two a link meant is not
     * guessed. Otherwise {@code error}, the judgement of its value.
     */
    private static String onceOr(Context ctx, String name, String error) {
        return ctx.queryParams(name).size() > 1 ? "Give this filter once." : error;
    }

    /** The start (UTC) of the day typed, if it is a date. */
    private static Optional<Instant> since(String typed) {
        return Rfc3339.parseDate(typed).map(day -> day.atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    private static String customerError(String typed) {
        boolean readable = typed.isEmpty() || (typed.contains("@") ? EmailAddress.isValid(typed)
                : CUSTOMER_ID.matcher(typed).matches());
        return readable ? null : "Enter a customer's id (cus_…) or their email address.";
    }

    /** The customer typed: an id as it is, an email as the shop's customer with it (empty when none has it). */
    private Optional<String> customerId(String tenantId, String typed) {
        if (typed.isEmpty() || !typed.contains("@")) {
            return typed.isEmpty() ? Optional.empty() : Optional.of(typed);
        }
        return customers.findByEmail(tenantId, typed).map(Customer::id);
    }

    private static Row row(AuditEvent event) {
        return new Row(event.createdAt().truncatedTo(ChronoUnit.SECONDS).toString(), event.type(), event.customerId(),
                by(event), event.ip(), event.userAgent(), details(event.data()));
    }

    /**
     * Who acted, as the event says: the staff member or the secret key recorded with it, else its {@code by}; an event
     * that names nobody and no customer was the service's own doing.
     */
    static String by(AuditEvent event) {
        if (event.staffId() != null) {
            return "staff member " + event.staffId();
        }
        if (event.apiKeyId() != null) {
            return "admin (secret key " + event.apiKeyId() + ")";
        }
        JsonNode by = event.data().path("by");
        if (!by.isTextual()) {
            return event.customerId() == null ? "system" : "—";
        }
        return switch (by.asText()) {
            case "customer" -> "the customer themself";
            case "admin" -> "admin";
            default -> Show.words(by.asText());
        };
    }

    /** The event's data as {@code key=value} pairs, lists joined by commas, nested objects as compact JSON. */
    static String details(JsonNode data) {
        List<String> pairs = new ArrayList<>();
        data.fields().forEachRemaining(field -> {
            if (!SHOWN_AS_WHO.contains(field.getKey())) {
                pairs.add(field.getKey() + "=" + value(field.getValue()));
            }
        });
        return String.join(" ", pairs);
    }

    private static String value(JsonNode value) {
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(value(item)));
            return String.join(",", items);
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }
}
