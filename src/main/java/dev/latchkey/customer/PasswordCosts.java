package dev.latchkey.customer;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.latchkey.cluster.Invalidation;
import dev.latchkey.cluster.Invalidations;
import dev.latchkey.credential.HashCost;
import dev.latchkey.db.Database;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Set;

/**
 * The costs ({@link HashCost}) of the password hashes a shop's customers have that Latchkey did not make with its
 * current parameters (imported ones), so that a refused login of the shop can wait as long as the costliest of them
 * takes to verify. A cost is written before the first hash of it is, in that hash's transaction, and forgotten only
 * when a hash of it was replaced or its customer erased and one look-up of an index finds no other: the costs may be
 * more than the shop still has (a check that failed after the commit leaves its cost until another hash of that cost
 * goes), never fewer.
 * Read on every password login, so cached as the tenant is, and evicted with it on every node when a cost comes or
 * goes.
 */
final class PasswordCosts {
    private static final Logger log = LoggerFactory.getLogger(PasswordCosts.class);
    private final Database db;
    private final Invalidations invalidations;
    private final Cache<String, Set<String>> byTenant = Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterWrite(Duration.ofSeconds(30)).build();

    PasswordCosts(Database db, Invalidations invalidations) {
        this.db = db;
        this.invalidations = invalidations;
    }

    void onInvalidation(Invalidation invalidation) {
        switch (invalidation.kind()) {
            case TENANT -> byTenant.invalidate(invalidation.tenantId());
            case ALL -> byTenant.invalidateAll();
            case SESSION, CUSTOMER, API_KEY -> {
                // the costs are the tenant's
            }
        }
    }

    /** The shop's costs, from the cache when this node may cache (see {@link Invalidations#mayCache}). */
    Set<String> of(String tenantId) {
        return invalidations.mayCache() ? byTenant.get(tenantId, this::load) : load(tenantId);
    }

    private Set<String> load(String tenantId) {
        return Set.copyOf(db.read(h -> h.createQuery("SELECT cost FROM tenant_password_costs WHERE tenant_id = :tenant")
                .bind("tenant", tenantId).mapTo(String.class).list()));
    }

    /**
     * When a hash of {@code cost} is written in {@code h}'s transaction (before or after the write): the cost is the
     * shop's, and its row stays locked until the transaction ends, so that {@link #released} cannot forget it before
     * the hash is seen; a row {@link #released} deleted before this lock is written again. A new cost evicts the
     * shop's cached costs on every node once the transaction commits.
     */
    void holding(Handle h, String tenantId, String cost) {
        if (lock(h, tenantId, cost)) {
            return;
        }
        boolean added = h.createUpdate("INSERT INTO tenant_password_costs (tenant_id, cost) VALUES (:tenant, :cost) "
                        + "ON CONFLICT DO NOTHING")
                .bind("tenant", tenantId).bind("cost", cost).execute() == 1;
        if (added) {
            Database.afterCommit(h, () -> evict(tenantId));
        } else {
            lock(h, tenantId, cost); // another transaction added it at this moment
        }
    }

    /**
     * After a hash of {@code cost} was replaced or removed, or its customer erased: forgets the cost when no customer
     * of the shop has a hash of it any more. The shop's cost row is locked first, so a hash of the cost written
     * meanwhile keeps it.
     */
    void released(String tenantId, String cost) {
        try {
            if (of(tenantId).contains(cost) && forget(tenantId, cost)) {
                evict(tenantId);
            }
        } catch (RuntimeException e) {
            // runs after the change committed, which stands: the cost stays, as if another customer still had it
            log.warn("Could not check whether shop {} still has password hashes of cost {}", tenantId, cost, e);
        }
    }

    private boolean forget(String tenantId, String cost) {
        return db.tx(h -> {
            if (!lock(h, tenantId, cost)) {
                return false;
            }
            boolean kept = h.createQuery("SELECT 1 FROM customers WHERE tenant_id = :tenant AND password_cost = :cost "
                            + "FETCH FIRST 1 ROW ONLY")
                    .bind("tenant", tenantId).bind("cost", cost).mapTo(Integer.class).findOne().isPresent();
            if (kept) {
                return false;
            }
            h.createUpdate("DELETE FROM tenant_password_costs WHERE tenant_id = :tenant AND cost = :cost")
                    .bind("tenant", tenantId).bind("cost", cost).execute();
            return true;
        });
    }

    private static boolean lock(Handle h, String tenantId, String cost) {
        return h.createQuery("SELECT cost FROM tenant_password_costs WHERE tenant_id = :tenant AND cost = :cost "
                        + "FOR UPDATE")
                .bind("tenant", tenantId).bind("cost", cost).mapTo(String.class).findOne().isPresent();
    }

    private void evict(String tenantId) {
        invalidations.publish(new Invalidation(Invalidation.Kind.TENANT, tenantId, ""));
    }
}
