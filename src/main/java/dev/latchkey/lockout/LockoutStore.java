package dev.latchkey.lockout;

import dev.latchkey.db.Database;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.ResultSet;
import java.sql.SQLException;

import java.util.Optional;

/**
 * SQL for the lockout columns of a customer's or a staff member's row. These writes leave updated_at and version
 * alone: a failed login is not a change of the account, and must not make a shopper's next profile update a version
 * conflict.
 */
public final class LockoutStore {
    public static final LockoutStore CUSTOMERS = new LockoutStore("customers");
    public static final LockoutStore STAFF = new LockoutStore("staff");
    private static final String COLUMNS = "failed_attempts, lock_count, locked_until, last_failure_at";

    /** A table whose rows carry the lockout columns, keyed by (tenant_id, id). */
    private final String table;

    private LockoutStore(String table) {
        this.table = table;
    }

    /** The account's email address. */
    String email(Handle h, String tenantId, String id) {
        return h.createQuery("SELECT email FROM " + table + " WHERE tenant_id = :tenant AND id = :id")
                .bind("tenant", tenantId).bind("id", id).mapTo(String.class).one();
    }

    public Optional<LockState> find(Handle h, String tenantId, String id, boolean forUpdate) {
        return h.createQuery("SELECT " + COLUMNS + " FROM " + table + " WHERE tenant_id = :tenant AND id = :id"
                        + (forUpdate ? " FOR UPDATE" : ""))
                .bind("tenant", tenantId).bind("id", id)
                .map(LockoutStore::state)
                .findOne();
    }

    /** The lockout columns of a row another query read, e.g. with the account itself. */
    public static LockState state(ResultSet rs, StatementContext ctx) throws SQLException {
        return new LockState(rs.getInt("failed_attempts"), rs.getInt("lock_count"),
                Database.instant(rs, "locked_until"), Database.instant(rs, "last_failure_at"));
    }

    public void write(Handle h, String tenantId, String id, LockState state) {
        h.createUpdate("UPDATE " + table + " SET failed_attempts = :failed, lock_count = :locks, locked_until = :until, "
                        + "last_failure_at = :last WHERE tenant_id = :tenant AND id = :id")
                .bind("failed", state.failedAttempts()).bind("locks", state.lockCount())
                .bind("until", Database.ts(state.lockedUntil())).bind("last", Database.ts(state.lastFailureAt()))
                .bind("tenant", tenantId).bind("id", id)
                .execute();
    }
}
