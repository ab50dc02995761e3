package dev.latchkey.admin;

import dev.latchkey.audit.Actor;
import dev.latchkey.customer.AdminCustomer;
import dev.latchkey.customer.ChangedCustomer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.FieldError;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The merchant's change of many customers at once (Shopify's bulk "add tags", "remove tags"; a status for a batch of
 * fraud accounts): all of them or none, in one transaction. Each customer that changes gets the audit events (and so
 * the webhooks) a single change of them gives, and a status that may not log in ends their sessions at once, as there.
 */
public final class BulkCustomerChanges {
    /** The most unknown ids a refusal names; the rest are counted. */
    private static final int UNKNOWN_NAMED = 20;

    private final Database db;
    private final CustomerService customers;
    private final AdminCustomerService admins;

    public BulkCustomerChanges(Database db, CustomerService customers, AdminCustomerService admins) {
        this.db = db;
        this.customers = customers;
        this.admins = admins;
    }

    /** The customers that changed, as they are now, in id order; and the ids of those that were so already. */
    public record Result(List<AdminCustomer> changed, List<String> unchanged) {
    }

    /**
     * Applies the request to every customer it names. The rows are locked in id order, so that this and any other
     * change of the same customers (a single PATCH, another bulk change) wait for each other rather than deadlock. 422
     * {@code not_found} naming {@code ids} when any id is no customer of the tenant (another tenant's is not told from
     * an unknown one), and 422 {@code too_long} naming {@code add_tags} when any customer would have more than 250
     * tags: then nothing changes. After the commit every node forgets each changed customer, their profile and their
     * cached tokens alike, from one publication for them all.
     */
    public Result apply(String tenantId, BulkChangeInput.Request request, Actor actor, ClientInfo client) {
        List<ChangedCustomer> changed = db.tx(h -> {
            List<AdminCustomer> locked = customers.lockAllForAdmin(h, tenantId, request.ids());
            requireAll(request.ids(), locked);
            List<ChangedCustomer> done = customers.updateAllByAdmin(h, tenantId, locked, request.change());
            admins.recordAllChanges(h, tenantId, done, actor, client);
            return done;
        });
        Set<String> changedIds = new HashSet<>();
        changed.forEach(c -> changedIds.add(c.after().customer().id()));
        return new Result(changed.stream().map(ChangedCustomer::after).toList(),
                request.ids().stream().filter(id -> !changedIds.contains(id)).toList());
    }

    private static void requireAll(List<String> ids, List<AdminCustomer> found) {
        if (found.size() == ids.size()) {
            return;
        }
        Set<String> known = new HashSet<>();
        found.forEach(c -> known.add(c.customer().id()));
        List<String> unknown = ids.stream().filter(id -> !known.contains(id)).toList();
        String named = String.join(", ", unknown.subList(0, Math.min(unknown.size(), UNKNOWN_NAMED)))
                + (unknown.size() > UNKNOWN_NAMED ? " and " + (unknown.size() - UNKNOWN_NAMED) + " more" : "");
        throw ApiError.validation(List.of(new FieldError("ids", "not_found",
                "No customer with these ids exists in this store: " + named + ". Nothing was changed.")));
    }
}
