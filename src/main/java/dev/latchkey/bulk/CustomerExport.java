package dev.latchkey.bulk;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.address.Address;
import dev.latchkey.address.AddressService;
import dev.latchkey.audit.Actor;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.customer.AdminCustomer;
import dev.latchkey.customer.AdminCustomerView;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerFilter;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.customer.OrderSummaries;
import dev.latchkey.customer.OrderSummary;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.Cursor;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Page;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every customer of a shop that a filter keeps, written as CSV or NDJSON while they are read: a page of customers (and
 * their default addresses and order summaries) at a time, in the order of the customer list, never the whole shop in
 * memory. Never a password hash. Recorded once written as one {@code customers.exported} event with the count,
 * format and filters.
 */
public final class CustomerExport {
    /**
     * What the customer list's filters keep, but a search term: a status, tags the customers must all have, their
     * marketing consent and email verification, and changes since a time (then oldest change first).
     */
    record Filter(CustomerFilter customers, Instant updatedSince) {
        Filter {
            if (customers.query() != null) {
                throw new IllegalArgumentException("an export takes no search term");
            }
        }
    }

    private final CustomerService customers;
    private final AddressService addresses;
    private final OrderSummaries orderSummaries;
    private final AuditLog audit;
    private final ObjectMapper mapper;
    private final int pageSize;

    public CustomerExport(CustomerService customers, AddressService addresses, OrderSummaries orderSummaries,
                          AuditLog audit, ObjectMapper mapper, int pageSize) {
        this.customers = customers;
        this.addresses = addresses;
        this.orderSummaries = orderSummaries;
        this.audit = audit;
        this.mapper = mapper;
        this.pageSize = pageSize;
    }

    void write(String tenantId, ImportJob.Format format, Filter filter, Actor actor, ClientInfo client,
               OutputStream out) throws IOException {
        Writer text = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        if (format == ImportJob.Format.CSV) {
            text.write(Csv.line(CustomerColumns.headers()));
        }
        long count = 0;
        boolean completed = false;
        try {
            Page<Customer> page = page(tenantId, filter, null);
            while (true) {
                Map<String, Address> defaults = format == ImportJob.Format.CSV
                        ? addresses.defaultShipping(tenantId, page.data()) : Map.of();
                Map<String, OrderSummary> summaries = orderSummaries.of(tenantId,
                        page.data().stream().map(Customer::id).toList());
                for (AdminCustomer customer : customers.withTags(tenantId, page).data()) {
                    String id = customer.customer().id();
                    text.write(format == ImportJob.Format.CSV
                            ? Csv.line(CustomerColumns.exported(new CustomerColumns.Row(customer, defaults.get(id),
                                    summaries.get(id))))
                            : mapper.writeValueAsString(AdminCustomerView.of(customer, summaries.get(id), mapper))
                                    + "\n");
                }
                count += page.data().size();
                text.flush(); // each page goes out as it is read
                if (page.nextCursor() == null) {
                    break;
                }
                page = page(tenantId, filter, Cursor.decode(page.nextCursor(), listing(filter)));
            }
            completed = true;
        } finally {
            // recorded also when the download broke off: the pages sent before have left all the same
            record(tenantId, format, filter, actor, client, count, completed);
        }
    }

    private void record(String tenantId, ImportJob.Format format, Filter filter, Actor actor, ClientInfo client,
                        long count, boolean completed) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("count", count);
        details.put("completed", completed);
        details.put("format", format.wire());
        Map<String, Object> filters = new LinkedHashMap<>();
        CustomerFilter kept = filter.customers();
        if (kept.status() != null) {
            filters.put("status", kept.status().wire());
        }
        if (!kept.tags().isEmpty()) {
            filters.put("tags", kept.tags());
        }
        if (kept.acceptsMarketing() != null) {
            filters.put("accepts_marketing", kept.acceptsMarketing());
        }
        if (kept.emailVerified() != null) {
            filters.put("email_verified", kept.emailVerified());
        }
        if (kept.marketingState() != null) {
            filters.put("marketing_state", kept.marketingState().wire());
        }
        if (filter.updatedSince() != null) {
            filters.put("updated_since", filter.updatedSince().toString());
        }
        details.put("filters", filters);
        audit.record(tenantId, null, AuditType.CUSTOMERS_EXPORTED, client, actor.with(details));
    }

    private Page<Customer> page(String tenantId, Filter filter, Cursor after) {
        return filter.updatedSince() == null
                ? customers.list(tenantId, filter.customers(), after, pageSize)
                : customers.changedSince(tenantId, filter.updatedSince(), filter.customers(), after, pageSize);
    }

    private static Listing listing(Filter filter) {
        return filter.updatedSince() == null ? Listing.CUSTOMERS : Listing.CUSTOMER_CHANGES;
    }
}
