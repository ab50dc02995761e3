package dev.latchkey.lockout;

import dev.latchkey.db.Database;
import org.jdbi.v3.core.Handle;

import java.util.Optional;

/**
 * SQL for the lockout columns of the customers row. These writes leave updated_at and version alone: a failed login
 * is not a change of the customer, and must not make a shopper's next profile update a version conflict.
 */
final class LockoutStore {
    private static final String COLUMNS = "failed_attempts, lock_count, locked_until, last_failure_at";

    Optional<LockState> find(Handle h, String tenantId, String customerId, boolean forUpdate) {
        return h.createQuery("SELECT " + COLUMNS + " FROM customers WHERE tenant_id = :tenant AND id = :id"
                        + (forUpdate ? " FOR UPDATE" : ""))
                .bind("tenant", tenantId).bind("id", customerId)
                .map((rs, ctx) -> new LockState(rs.getInt("failed_attempts"), rs.getInt("lock_count"),
                        Database.instant(rs, "locked_until"), Database.instant(rs, "last_failure_at")))
                .findOne();
    }

    void write(Handle h, String tenantId, String customerId, LockState state) {
        h.createUpdate("UPDATE customers SET failed_attempts = :failed, lock_count = :locks, locked_until = :until, "
                        + "last_failure_at = :last WHERE tenant_id = :tenant AND id = :id")
                .bind("failed", state.failedAttempts()).bind("locks", state.lockCount())
                .bind("until", Database.ts(state.lockedUntil())).bind("last", Database.ts(state.lastFailureAt()))
                .bind("tenant", tenantId).bind("id", customerId)
                .execute();
    }
}
