package dev.latchkey.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.db.Database;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.Cursor;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.SqlStatements;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

/** SQL for audit events. Every statement names the tenant; lists run newest first on (created_at, id). */
final class AuditStore {
    private static final String INSERT = "INSERT INTO audit_events (tenant_id, id, customer_id, type, ip, user_agent, "
            + "data, created_at, staff_id, api_key_id) "
            + "VALUES (:tenant, :id, :customer, :type, :ip, :ua, :data, :at, :staff, :key)";

    private final ObjectMapper mapper;

    AuditStore(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** One event as stored: its data already JSON. */
    record Row(String tenantId, String id, String customerId, AuditType type, ClientInfo client, String data,
               Instant at) {
    }

    /**
     * Inserts the event, after {@code fanOut} (null for none) in the same request to the database; answers the rows
     * {@code fanOut} wrote (both engines answer the first statement's count), 0 without one.
     */
    int insert(Handle h, Row row, String fanOut) {
        int first = bind(h.createUpdate(fanOut == null ? INSERT : fanOut + "; " + INSERT), row).execute();
        return fanOut == null ? 0 : first;
    }

    /**
     * Inserts the events as one batch, after {@code fanOut} (null for none) run for each as a batch of its own: two
     * requests to the database however many events there are. Answers the rows {@code fanOut} wrote.
     */
    int insertAll(Handle h, List<Row> rows, String fanOut) {
        int queued = 0;
        if (fanOut != null) {
            PreparedBatch following = h.prepareBatch(fanOut);
            // the fan-out reads what it needs of the event's values, not necessarily all of them
            following.getConfig(SqlStatements.class).setUnusedBindingAllowed(true);
            rows.forEach(row -> bind(following, row).add());
            queued = IntStream.of(following.execute()).sum();
        }
        PreparedBatch events = h.prepareBatch(INSERT);
        rows.forEach(row -> bind(events, row).add());
        events.execute();
        return queued;
    }

    private static <S extends SqlStatement<S>> S bind(S statement, Row row) {
        ClientInfo client = row.client();
        return statement.bind("tenant", row.tenantId()).bind("id", row.id()).bind("customer", row.customerId())
                .bind("type", row.type().wire())
                .bind("ip", client == null ? null : client.ip())
                .bind("ua", client == null ? null : client.userAgent())
                .bind("staff", client == null ? null : client.staffId())
                .bind("key", client == null ? null : client.apiKeyId())
                .bind("data", row.data()).bind("at", Database.ts(row.at()));
    }

    /**
     * A page newest first, after {@code before} when given. The order names the columns of the index the page is read
     * along, all descending, the filtered ones first (see V34). Of the two upper bounds, {@code until} and the cursor,
     * only the one that ends the range more tightly is named (see {@link Cursor#untilEndsTighter}).
     */
    List<AuditEvent> list(Handle h, String tenantId, AuditFilter filter, Cursor before, int limit) {
        boolean untilBinds = Cursor.untilEndsTighter(filter.until(), before);
        var sql = new StringBuilder("SELECT * FROM audit_events WHERE tenant_id = :tenant");
        var along = new StringBuilder("tenant_id DESC, ");
        if (filter.customerId() != null) {
            sql.append(" AND customer_id = :customer");
            along.append("customer_id DESC, ");
        }
        if (filter.type() != null) {
            sql.append(" AND type = :type");
            along.append("type DESC, ");
        }
        if (filter.since() != null) {
            sql.append(" AND created_at >= :since");
        }
        if (untilBinds) {
            sql.append(" AND created_at < :until");
        } else if (before != null) {
            sql.append(" AND (created_at, id) < (:at, :id)");
        }
        sql.append(" ORDER BY ").append(along).append("created_at DESC, id DESC LIMIT :limit");
        var query = h.createQuery(sql.toString()).bind("tenant", tenantId).bind("limit", limit);
        if (filter.customerId() != null) {
            query.bind("customer", filter.customerId());
        }
        if (filter.type() != null) {
            query.bind("type", filter.type().wire());
        }
        if (filter.since() != null) {
            query.bind("since", Database.ts(filter.since()));
        }
        if (untilBinds) {
            query.bind("until", Database.ts(filter.until()));
        } else if (before != null) {
            query.bind("at", Database.ts(before.at())).bind("id", before.id());
        }
        return query.map((rs, ctx) -> event(rs)).list();
    }

    private AuditEvent event(ResultSet rs) throws SQLException {
        return new AuditEvent(rs.getString("id"), rs.getString("type"), rs.getString("customer_id"),
                rs.getString("ip"), rs.getString("user_agent"), read(rs.getString("data")),
                Database.instant(rs, "created_at"), rs.getString("staff_id"), rs.getString("api_key_id"));
    }

    /**
     * Deletes the oldest {@code batch} of the tenant's events recorded before {@code cutoff}, read along the time index
     * and then deleted by key (H2 would run a subquery in the delete once per row).
     */
    int deleteOlderThan(Handle h, String tenantId, Instant cutoff, int batch) {
        List<String> ids = h.createQuery("SELECT id FROM audit_events WHERE tenant_id = :tenant AND created_at < :cutoff "
                        + "ORDER BY created_at LIMIT :batch")
                .bind("tenant", tenantId).bind("cutoff", Database.ts(cutoff)).bind("batch", batch)
                .mapTo(String.class).list();
        if (ids.isEmpty()) {
            return 0;
        }
        return h.createUpdate("DELETE FROM audit_events WHERE tenant_id = :tenant AND id IN (<ids>)")
                .bind("tenant", tenantId).bindList("ids", ids).execute();
    }

    void clearClientOf(Handle h, String tenantId, String customerId) {
        // the merchant's events, as AuditEvent.asExported tells them: a staff member or a secret key acted, or "by":
        // "admin"
        h.createUpdate("UPDATE audit_events SET ip = NULL, user_agent = NULL WHERE tenant_id = :tenant "
                        + "AND customer_id = :customer AND staff_id IS NULL AND api_key_id IS NULL "
                        + "AND data NOT LIKE :byMerchant "
                        + "AND (ip IS NOT NULL OR user_agent IS NOT NULL)")
                .bind("tenant", tenantId).bind("customer", customerId).bind("byMerchant", "%\"by\":\"admin\"%")
                .execute();
    }

    private com.fasterxml.jackson.databind.JsonNode read(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored audit data is JSON", e);
        }
    }
}
