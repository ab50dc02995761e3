package dev.latchkey.staff;

import dev.latchkey.db.Database;
import dev.latchkey.http.Cursor;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** SQL for staff rows. Every statement names the tenant. */
final class StaffStore {
    void insert(Handle h, String tenantId, Staff staff, String passwordHash) {
        h.createUpdate("INSERT INTO staff (tenant_id, id, email, role, password_hash, created_at, updated_at) "
                        + "VALUES (:tenant, :id, :email, :role, :hash, :at, :at)")
                .bind("tenant", tenantId).bind("id", staff.id()).bind("email", staff.email())
                .bind("role", staff.role()).bind("hash", passwordHash).bind("at", Database.ts(staff.createdAt()))
                .execute();
    }

    /** Oldest first, after {@code after} when given. */
    List<Staff> list(Handle h, String tenantId, Cursor after, int limit) {
        String page = after == null ? "" : " AND (created_at, id) > (:at, :after)";
        var query = h.createQuery("SELECT * FROM staff WHERE tenant_id = :tenant" + page
                        + " ORDER BY created_at, id LIMIT :limit")
                .bind("tenant", tenantId).bind("limit", limit);
        if (after != null) {
            query.bind("at", Database.ts(after.at())).bind("after", after.id());
        }
        return query.map((rs, ctx) -> staff(rs)).list();
    }

    Optional<Staff> find(Handle h, String tenantId, String id) {
        return h.createQuery("SELECT * FROM staff WHERE tenant_id = :tenant AND id = :id")
                .bind("tenant", tenantId).bind("id", id)
                .map((rs, ctx) -> staff(rs)).findOne();
    }

    /** The account with this (normalised) email; {@code forUpdate} locks it until the transaction ends. */
    Optional<StaffAccount> findAccount(Handle h, String tenantId, String email, boolean forUpdate) {
        return account(h, tenantId, "email", email, forUpdate);
    }

    /** The account with this id; {@code forUpdate} locks it until the transaction ends. */
    Optional<StaffAccount> findAccountById(Handle h, String tenantId, String id, boolean forUpdate) {
        return account(h, tenantId, "id", id, forUpdate);
    }

    private Optional<StaffAccount> account(Handle h, String tenantId, String column, String value, boolean forUpdate) {
        return h.createQuery("SELECT * FROM staff WHERE tenant_id = :tenant AND " + column + " = :value"
                        + (forUpdate ? " FOR UPDATE" : ""))
                .bind("tenant", tenantId).bind("value", value)
                .map((rs, ctx) -> new StaffAccount(rs.getString("tenant_id"), staff(rs), rs.getString("password_hash")))
                .findOne();
    }

    /** A new password: the hash and the row's updated_at. */
    void setPasswordHash(Handle h, String tenantId, String id, String hash, Instant at) {
        h.createUpdate("UPDATE staff SET password_hash = :hash, updated_at = :at WHERE tenant_id = :tenant AND id = :id")
                .bind("hash", hash).bind("at", Database.ts(at)).bind("tenant", tenantId).bind("id", id)
                .execute();
    }

    /** Replaces the hash unless it changed meanwhile; an upgrade of the same password, not a change of the row. */
    void replacePasswordHash(Handle h, String tenantId, String id, String expectedHash, String newHash) {
        h.createUpdate("UPDATE staff SET password_hash = :hash WHERE tenant_id = :tenant AND id = :id "
                        + "AND password_hash = :expected")
                .bind("hash", newHash).bind("tenant", tenantId).bind("id", id).bind("expected", expectedHash)
                .execute();
    }

    /** Two-step sign-in turned on (at {@code at}) or off (null); not a change of the row's own fields. */
    void setMfaEnabledAt(Handle h, String tenantId, String id, Instant at) {
        h.createUpdate("UPDATE staff SET mfa_enabled_at = :at WHERE tenant_id = :tenant AND id = :id")
                .bind("at", Database.ts(at)).bind("tenant", tenantId).bind("id", id).execute();
    }

    void setRole(Handle h, String tenantId, String id, String role, Instant at) {
        h.createUpdate("UPDATE staff SET role = :role, updated_at = :at WHERE tenant_id = :tenant AND id = :id")
                .bind("role", role).bind("at", Database.ts(at)).bind("tenant", tenantId).bind("id", id)
                .execute();
    }

    /**
     * The tenant's owners, locked in key order (two owners' changes at once then take them in the same order): removing
     * or demoting one is decided against a count nobody else changes meanwhile.
     */
    List<String> lockOwners(Handle h, String tenantId) {
        return h.createQuery("SELECT id FROM staff WHERE tenant_id = :tenant AND role = 'owner' ORDER BY id FOR UPDATE")
                .bind("tenant", tenantId).mapTo(String.class).list();
    }

    void delete(Handle h, String tenantId, String id) {
        h.createUpdate("DELETE FROM staff WHERE tenant_id = :tenant AND id = :id")
                .bind("tenant", tenantId).bind("id", id).execute();
    }

    private static Staff staff(ResultSet rs) throws SQLException {
        return new Staff(rs.getString("id"), rs.getString("email"), rs.getString("role"),
                rs.getObject("mfa_enabled_at") != null,
                Database.instant(rs, "created_at"), Database.instant(rs, "updated_at"));
    }
}
