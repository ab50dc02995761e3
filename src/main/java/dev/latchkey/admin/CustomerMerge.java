package dev.latchkey.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.address.AddressService;
import dev.latchkey.address.BookMerge;
import dev.latchkey.audit.Actor;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.customer.AdminCustomer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.order.OrderService;
import org.jdbi.v3.core.Handle;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Shopify's "merge customers": a duplicate (the source) goes into the customer the merchant keeps. Its orders, its
 * address book (but for places the kept book holds), its tags, note and attributes move; then the source is erased as
 * the merchant's deletion erases a customer. Its ways in do not move (password, passkeys, linked provider accounts,
 * two-step secrets, AI agents' grants, sessions): they would let whoever holds the source account sign in as the kept
 * customer. Its cart goes with it. All in one transaction, both customer rows locked in the order of their ids, so two
 * merges of the same two customers, either way round, queue up instead of deadlocking; the later one finds its
 * source (or its kept customer) gone and answers 404. A refusal writes nothing.
 */
public final class CustomerMerge {
    /** What a merge moves (or would move) into the kept customer: counts, never personal data. */
    public record Moved(int orders, int addresses, int addressesSkipped, int tagsAdded, boolean noteAppended,
                        int attributesAdded) {
        /** The {@code customer.merged} event's details. */
        Map<String, Object> details(String sourceId) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("source_id", sourceId);
            details.put("orders_moved", orders);
            details.put("addresses_moved", addresses);
            details.put("addresses_skipped", addressesSkipped);
            details.put("tags_added", tagsAdded);
            details.put("note_appended", noteAppended);
            details.put("attributes_added", attributesAdded);
            return details;
        }
    }

    /**
     * A merge not yet made, for the dashboard's confirmation: the two customers, what would move (the orders as the
     * source has them now), and why the merge would be refused (empty when it would not).
     */
    public record Preview(AdminCustomer kept, AdminCustomer source, Moved moved, Optional<String> refusal) {
    }

    /** The two locked customers and what their merge does. */
    private record Plan(AdminCustomer kept, AdminCustomer source, MerchantDataMerge data, BookMerge book) {
        Optional<String> refusal() {
            if (book.overLimit()) {
                return Optional.of("Together the address books would hold " + book.sizeAfter() + " addresses; a "
                        + "book holds at most " + AddressService.MAX_PER_CUSTOMER + ".");
            }
            return data.overLimit();
        }

        Moved moved(int orders) {
            return new Moved(orders, book.moving().size(), book.skipped(), data.tagsAdded(), data.noteAppended(),
                    data.attributesAdded());
        }
    }

    private final Database db;
    private final CustomerService customers;
    private final AdminCustomerService admins;
    private final AddressService addresses;
    private final OrderService orders;
    private final AuditLog audit;
    private final ObjectMapper mapper;

    public CustomerMerge(Database db, CustomerService customers, AdminCustomerService admins, AddressService addresses,
                         OrderService orders, AuditLog audit, ObjectMapper mapper) {
        this.db = db;
        this.customers = customers;
        this.admins = admins;
        this.addresses = addresses;
        this.orders = orders;
        this.audit = audit;
        this.mapper = mapper;
    }

    /**
     * Merges {@code sourceId} into {@code keptId} and returns the kept customer as they are now. 422 naming
     * {@code source_id} when both are one customer; 404 when either is not the tenant's (or is being erased); 422
     * {@code merge_limit_exceeded} when the result would break a bound of the address book, the tags, the note or the
     * attributes. Recorded as {@code customer.merged} on the kept customer (with {@link Moved}'s counts and the
     * source's id), {@code customer.updated} on them when their tags, note or attributes change (as a single change
     * records it), and {@code customer.deleted} on the source, as the merchant's deletion records it.
     */
    public AdminCustomer merge(String tenantId, String keptId, String sourceId, Actor actor, ClientInfo client) {
        return db.tx(h -> {
            // Both in one statement, in the database's order of the ids, as a bulk change locks its customers: a merge
            // and a bulk change (or two merges of the pair) queue up. Sorted here instead, the ids would follow Java's
            // order, which a database collation such as en_US does not share (cus_a... before cus_B...): a deadlock.
            Plan plan = plan(keptId, sourceId, ids -> customers.lockAllForAdmin(h, tenantId, ids), h);
            plan.refusal().ifPresent(message -> {
                throw new ApiError(422, "merge_limit_exceeded", message);
            });
            // recorded as a single change of the kept customer is: a webhook of customer.updated hears of it
            admins.recordChanges(h, plan.kept(), customers.updateByAdmin(h, plan.kept(), plan.data().changes(mapper),
                    client), actor, client);
            addresses.merge(h, plan.book());
            // the orders move within the source's erasure, in place of its stripping them: a guest order of the
            // source's address recorded meanwhile moves with them, where a move before the erasure left it stripped
            int moved = admins.eraseInto(h, plan.source().customer(), keptId, actor, client);
            audit.record(h, tenantId, keptId, AuditType.CUSTOMER_MERGED, client,
                    actor.with(plan.moved(moved).details(sourceId)));
            return customers.lockForAdmin(h, tenantId, keptId);
        });
    }

    /**
     * What {@link #merge} would do now, refused as it would be but for the limits, which the preview names. It only
     * reads (a GET page shows it), so it locks neither customer.
     */
    public Preview preview(String tenantId, String keptId, String sourceId) {
        return db.read(h -> {
            Plan plan = plan(keptId, sourceId, ids -> customers.allForAdmin(h, tenantId, ids), h);
            return new Preview(plan.kept(), plan.source(),
                    plan.moved(orders.countOf(h, tenantId, sourceId)), plan.refusal());
        });
    }

    /** The plan of the two customers that {@code read} reads (locked for a merge, read as they are for a preview). */
    private Plan plan(String keptId, String sourceId, Function<List<String>, List<AdminCustomer>> read, Handle h) {
        if (keptId.equals(sourceId)) {
            throw ApiError.validation("source_id", "invalid", "A customer cannot be merged into themselves.");
        }
        Map<String, AdminCustomer> found = new HashMap<>();
        read.apply(List.of(keptId, sourceId)).forEach(customer -> found.put(customer.customer().id(), customer));
        AdminCustomer kept = found.get(keptId);
        AdminCustomer source = found.get(sourceId);
        if (kept == null || source == null) {
            throw ApiError.notFound("Customer");
        }
        return new Plan(kept, source, MerchantDataMerge.of(kept, source, mapper),
                addresses.planMerge(h, kept.customer(), source.customer()));
    }
}
