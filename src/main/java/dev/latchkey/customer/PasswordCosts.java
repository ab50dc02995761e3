package dev.latchkey.customer;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.latchkey.cluster.Invalidation;
import dev.latchkey.cluster.Invalidations;
import dev.latchkey.credential.HashCost;
import dev.latchkey.db.Database;
import dev.latchkey.db.LockConflict;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Set;

/**
 * The costs ({@link HashCost}) of the password hashes a shop's customers have that Latchkey did not make with its
 * current parameters (imported ones), so that a refused login of the shop can wait as long as the costliest of them
 * takes to verify. A cost is written in the transaction that writes the first hash of it (before or after that
 * hash, which commit together), and forgotten only when a hash of it was replaced or its customer erased and one
 * look-up of an index finds no other: the costs may be more than the shop still has (a check that failed, or found the
 * cost's row held, after the commit leaves its cost until another hash of that cost goes), never fewer. Read on every
 * password login, so cached as the tenant is, and evicted with it on every node when a cost comes or goes.
 *
 * <p>A transaction writing a hash holds the cost's row against deletion until it ends: shared on PostgreSQL, so that
 * imports and password changes of the same cost never wait for one another (an import's batch holds it for the whole
 * batch); H2 has no shared row lock and takes it exclusively. Forgetting needs the row exclusively and does not wait
 * for it: while the row is held, the cost is kept, the safe side, and the next hash of it that goes checks again.
 */
final class PasswordCosts {
    private static final Logger log = LoggerFactory.getLogger(PasswordCosts.class);
    private static final String SAVEPOINT = "password_cost";
    private final Database db;
    private final Invalidations invalidations;
    /** How a writer of a hash holds its cost's row: see the class comment. */
    private final String heldAgainstChange;
    private final Cache<String, Set<String>> byTenant = Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterWrite(Duration.ofSeconds(30)).build();

    PasswordCosts(Database db, Invalidations invalidations) {
        this.db = db;
        this.invalidations = invalidations;
        this.heldAgainstChange = db.isPostgres() ? "FOR SHARE" : "FOR UPDATE";
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
     * shop's, and its row stays held until the transaction ends (see the class comment), so that {@link #released}
     * cannot forget it before the hash is seen; a row {@link #released} deleted before this is written again. A new
     * cost evicts the shop's cached costs on every node once the transaction commits.
     */
    void holding(Handle h, String tenantId, String cost) {
        if (hold(h, tenantId, cost)) {
            return;
        }
        boolean added = h.createUpdate("INSERT INTO tenant_password_costs (tenant_id, cost) VALUES (:tenant, :cost) "
                        + "ON CONFLICT DO NOTHING")
                .bind("tenant", tenantId).bind("cost", cost).execute() == 1;
        if (added) {
            Database.afterCommit(h, () -> evict(tenantId));
        } else {
            hold(h, tenantId, cost); // another transaction added it at this moment
        }
    }

    /**
     * After a hash of {@code cost} was replaced or removed, or its customer erased: forgets the cost when no customer
     * of the shop has a hash of it any more. The shop's cost row is locked first, so a hash of the cost written
     * meanwhile keeps it; when a writer holds the row, the cost is kept without waiting (a login's rehash must not
     * wait for an import's batch). Runs in a transaction of its own, or within the caller's behind a savepoint: a lock
     * it could not have leaves the caller's transaction as it was.
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
            if (!lockedWithoutWaiting(h, tenantId, cost)) {
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

    private boolean hold(Handle h, String tenantId, String cost) {
        return h.createQuery("SELECT cost FROM tenant_password_costs WHERE tenant_id = :tenant AND cost = :cost "
                        + heldAgainstChange)
                .bind("tenant", tenantId).bind("cost", cost).mapTo(String.class).findOne().isPresent();
    }

    /** Locks the cost's row for deleting it; false when it is gone, or held by a writer at this moment. */
    private static boolean lockedWithoutWaiting(Handle h, String tenantId, String cost) {
        h.savepoint(SAVEPOINT);
        boolean locked;
        try {
            locked = h.createQuery("SELECT cost FROM tenant_password_costs WHERE tenant_id = :tenant AND cost = :cost "
                            + "FOR UPDATE NOWAIT")
                    .bind("tenant", tenantId).bind("cost", cost).mapTo(String.class).findOne().isPresent();
        } catch (RuntimeException e) {
            if (!LockConflict.busy(e)) {
                throw e;
            }
            // PostgreSQL ends the transaction at a failed statement: back to before it, so the caller's can go on
            h.rollbackToSavepoint(SAVEPOINT);
            log.debug("Shop {} keeps password cost {}: a transaction writing a hash of it holds it", tenantId, cost);
            locked = false;
        }
        h.release(SAVEPOINT);
        return locked;
    }

    private void evict(String tenantId) {
        invalidations.publish(new Invalidation(Invalidation.Kind.TENANT, tenantId, ""));
    }
}
