package dev.latchkey.address;

import dev.latchkey.db.Database;
import dev.latchkey.http.Cursor;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** SQL for address rows. Every statement names the tenant and the owning customer. */
final class AddressStore {
    private static final String OWNER = "tenant_id = :tenant AND customer_id = :customer";

    void insert(Handle h, String tenantId, String customerId, StoredAddress a) {
        var insert = h.createUpdate("INSERT INTO addresses (tenant_id, id, customer_id, first_name, last_name, company, "
                        + "line1, line2, city, region, postal_code, country, phone, tags, created_at, updated_at) "
                        + "VALUES (:tenant, :id, :customer, :first_name, :last_name, :company, :line1, :line2, :city, "
                        + ":region, :postal_code, :country, :phone, :tags, :created, :updated)")
                .bind("tenant", tenantId).bind("id", a.id()).bind("customer", customerId)
                .bind("created", Database.ts(a.createdAt())).bind("updated", Database.ts(a.updatedAt()));
        bindFields(insert, a.fields()).execute();
    }

    int update(Handle h, String tenantId, String customerId, String id, AddressFields fields, Instant at) {
        var update = h.createUpdate("UPDATE addresses SET first_name = :first_name, last_name = :last_name, "
                        + "company = :company, line1 = :line1, line2 = :line2, city = :city, region = :region, "
                        + "postal_code = :postal_code, country = :country, phone = :phone, tags = :tags, "
                        + "updated_at = :updated WHERE " + OWNER + " AND id = :id")
                .bind("tenant", tenantId).bind("customer", customerId).bind("id", id).bind("updated", Database.ts(at));
        return bindFields(update, fields).execute();
    }

    Optional<StoredAddress> find(Handle h, String tenantId, String customerId, String id) {
        return h.createQuery("SELECT * FROM addresses WHERE " + OWNER + " AND id = :id")
                .bind("tenant", tenantId).bind("customer", customerId).bind("id", id)
                .map((rs, ctx) -> address(rs)).findOne();
    }

    /** Oldest first, after {@code after} when given. */
    List<StoredAddress> list(Handle h, String tenantId, String customerId, Cursor after, int limit) {
        String page = after == null ? "" : " AND (created_at, id) > (:at, :after)";
        var query = h.createQuery("SELECT * FROM addresses WHERE " + OWNER + page
                        + " ORDER BY created_at, id LIMIT :limit")
                .bind("tenant", tenantId).bind("customer", customerId).bind("limit", limit);
        if (after != null) {
            query.bind("at", Database.ts(after.at())).bind("after", after.id());
        }
        return query.map((rs, ctx) -> address(rs)).list();
    }

    /** The tenant's addresses with these ids, whoever owns them: the caller names ids it read from their owners. */
    List<StoredAddress> byIds(Handle h, String tenantId, List<String> ids) {
        return h.createQuery("SELECT * FROM addresses WHERE tenant_id = :tenant AND id IN (<ids>)")
                .bind("tenant", tenantId).bindList("ids", ids)
                .map((rs, ctx) -> address(rs)).list();
    }

    int delete(Handle h, String tenantId, String customerId, String id) {
        return h.createUpdate("DELETE FROM addresses WHERE " + OWNER + " AND id = :id")
                .bind("tenant", tenantId).bind("customer", customerId).bind("id", id).execute();
    }

    /** Gives these addresses of {@code fromCustomer} to {@code toCustomer}, ids and all (a merge of two customers). */
    void move(Handle h, String tenantId, String fromCustomer, String toCustomer, List<String> ids) {
        h.createUpdate("UPDATE addresses SET customer_id = :to WHERE " + OWNER + " AND id IN (<ids>)")
                .bind("tenant", tenantId).bind("customer", fromCustomer).bind("to", toCustomer)
                .bindList("ids", ids).execute();
    }

    void deleteAll(Handle h, String tenantId, String customerId) {
        h.createUpdate("DELETE FROM addresses WHERE " + OWNER)
                .bind("tenant", tenantId).bind("customer", customerId).execute();
    }

    private static <T extends SqlStatement<T>> T bindFields(T statement, AddressFields f) {
        return statement
                .bind("first_name", f.firstName())
                .bind("last_name", f.lastName())
                .bind("company", f.company())
                .bind("line1", f.line1())
                .bind("line2", f.line2())
                .bind("city", f.city())
                .bind("region", f.region())
                .bind("postal_code", f.postalCode())
                .bind("country", f.country())
                .bind("phone", f.phone())
                .bind("tags", String.join(",", f.tags()));
    }

    private static StoredAddress address(ResultSet rs) throws SQLException {
        String tags = rs.getString("tags");
        var fields = new AddressFields(rs.getString("first_name"), rs.getString("last_name"), rs.getString("company"),
                rs.getString("line1"), rs.getString("line2"), rs.getString("city"), rs.getString("region"),
                rs.getString("postal_code"), rs.getString("country"), rs.getString("phone"),
                tags.isEmpty() ? List.of() : Arrays.asList(tags.split(",")));
        return new StoredAddress(rs.getString("id"), fields, Database.instant(rs, "created_at"),
                Database.instant(rs, "updated_at"));
    }
}
