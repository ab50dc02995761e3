package dev.latchkey.order;

import dev.latchkey.db.Database;
import dev.latchkey.http.Cursor;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Update;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** SQL for orders and their lines. Every statement names the tenant. */
final class OrderStore {
    void insert(Handle h, String tenantId, Order o, List<OrderLine> lines) {
        h.createUpdate("INSERT INTO orders (tenant_id, id, number, email, customer_id, status, currency, total, "
                        + "token_hash, placed_at, created_at, updated_at) VALUES (:tenant, :id, :number, :email, "
                        + ":customer, :status, :currency, :total, :token, :placed, :created, :updated)")
                .bind("tenant", tenantId).bind("id", o.id()).bind("number", o.number()).bind("email", o.email())
                .bind("customer", o.customerId()).bind("status", o.status().wire()).bind("currency", o.currency())
                .bind("total", o.total()).bind("token", o.tokenHash()).bind("placed", Database.ts(o.placedAt()))
                .bind("created", Database.ts(o.createdAt())).bind("updated", Database.ts(o.updatedAt()))
                .execute();
        var batch = h.prepareBatch("INSERT INTO order_lines (tenant_id, order_id, line_no, sku, name, quantity, "
                + "unit_price) VALUES (:tenant, :order, :no, :sku, :name, :quantity, :price)");
        for (int i = 0; i < lines.size(); i++) {
            OrderLine line = lines.get(i);
            batch.bind("tenant", tenantId).bind("order", o.id()).bind("no", i).bind("sku", line.sku())
                    .bind("name", line.name()).bind("quantity", line.quantity()).bind("price", line.unitPrice())
                    .add();
        }
        batch.execute();
    }

    Optional<Order> findByNumber(Handle h, String tenantId, String number) {
        return byNumber(h, tenantId, number, "");
    }

    /** {@link #findByNumber}, holding the row until the transaction ends: a change reads what it changes from. */
    Optional<Order> lockByNumber(Handle h, String tenantId, String number) {
        return byNumber(h, tenantId, number, " FOR UPDATE");
    }

    private Optional<Order> byNumber(Handle h, String tenantId, String number, String lock) {
        return h.createQuery("SELECT * FROM orders WHERE tenant_id = :tenant AND number = :number" + lock)
                .bind("tenant", tenantId).bind("number", number)
                .map((rs, ctx) -> order(rs)).findOne();
    }

    /**
     * Orders newest first (placed_at, then id, both descending), after the cursor's position. The order names the
     * columns of the index the page is read along, all descending, the filtered one first (see V34); each index ends
     * in placed_at, so a time bound narrows the walk down it. Of the two upper bounds, {@code until} and the cursor,
     * only the one that ends the range more tightly is named (see {@link Cursor#untilEndsTighter}).
     */
    List<Order> list(Handle h, String tenantId, OrderFilter filter, Cursor after, int limit) {
        boolean untilBinds = Cursor.untilEndsTighter(filter.until(), after);
        var sql = new StringBuilder("SELECT * FROM orders WHERE tenant_id = :tenant ");
        if (filter.customerId() != null) {
            sql.append("AND customer_id = :customer ");
        }
        if (filter.email() != null) {
            sql.append("AND email = :email ");
        }
        if (filter.status() != null) {
            sql.append("AND status = :status ");
        }
        if (filter.since() != null) {
            sql.append("AND placed_at >= :since ");
        }
        if (untilBinds) {
            sql.append("AND placed_at < :until ");
        } else if (after != null) {
            sql.append("AND (placed_at, id) < (:at, :id) ");
        }
        String along = filter.customerId() != null ? "customer_id DESC, "
                : filter.email() != null ? "email DESC, "
                : filter.status() != null ? "status DESC, " : "";
        var query = h.createQuery(sql + "ORDER BY tenant_id DESC, " + along + "placed_at DESC, id DESC LIMIT :limit")
                .bind("tenant", tenantId).bind("limit", limit);
        if (filter.customerId() != null) {
            query.bind("customer", filter.customerId());
        }
        if (filter.email() != null) {
            query.bind("email", filter.email());
        }
        if (filter.status() != null) {
            query.bind("status", filter.status().wire());
        }
        if (filter.since() != null) {
            query.bind("since", Database.ts(filter.since()));
        }
        if (untilBinds) {
            query.bind("until", Database.ts(filter.until()));
        } else if (after != null) {
            query.bind("at", Database.ts(after.at())).bind("id", after.id());
        }
        return query.map((rs, ctx) -> order(rs)).list();
    }

    /**
     * The orders of these customers (distinct ids), one row per customer and currency, in one statement: their count,
     * the total of those that count as spent and the latest of them; customers without orders have no row. Each
     * customer's orders are read along the index on (tenant_id, customer_id, placed_at, id) (V5), one branch of a
     * UNION ALL per customer: an IN list of ids would do on PostgreSQL, but H2 looks an IN list up in an index only by
     * the index's first column (the tenant), which would read every order of the shop for each page.
     */
    List<CurrencyFigures> figures(Handle h, String tenantId, List<String> customerIds) {
        if (customerIds.isEmpty()) {
            return List.of();
        }
        String theirOrders = IntStream.range(0, customerIds.size())
                .mapToObj(i -> "SELECT customer_id, currency, status, total, placed_at, id, number FROM orders "
                        + "WHERE tenant_id = :tenant AND customer_id = :customer" + i)
                .collect(Collectors.joining(" UNION ALL "));
        var query = h.createQuery("SELECT customer_id, currency, order_count, spent, placed_at, id, number FROM ("
                + "SELECT customer_id, currency, placed_at, id, number, "
                + "COUNT(*) OVER (PARTITION BY customer_id, currency) AS order_count, "
                + "SUM(CASE WHEN status IN (<spent>) THEN total END) "
                + "OVER (PARTITION BY customer_id, currency) AS spent, "
                + "ROW_NUMBER() OVER (PARTITION BY customer_id, currency ORDER BY placed_at DESC, id DESC) "
                + "AS position FROM (" + theirOrders + ") their_orders) figures WHERE position = 1")
                .bind("tenant", tenantId)
                .bindList("spent", OrderStatus.SPENT.stream().map(OrderStatus::wire).toList());
        for (int i = 0; i < customerIds.size(); i++) {
            query.bind("customer" + i, customerIds.get(i));
        }
        return query.map((rs, ctx) -> new CurrencyFigures(rs.getString("customer_id"), rs.getString("currency"),
                        rs.getLong("order_count"), rs.getBigDecimal("spent"), Database.instant(rs, "placed_at"),
                        rs.getString("id"), rs.getString("number")))
                .list();
    }

    /** The lines of these orders, by order id. */
    Map<String, List<OrderLine>> lines(Handle h, String tenantId, List<String> orderIds) {
        Map<String, List<OrderLine>> byOrder = new HashMap<>();
        if (orderIds.isEmpty()) {
            return byOrder;
        }
        h.createQuery("SELECT * FROM order_lines WHERE tenant_id = :tenant AND order_id IN (<ids>) "
                        + "ORDER BY order_id, line_no")
                .bind("tenant", tenantId).bindList("ids", orderIds)
                .map((rs, ctx) -> Map.entry(rs.getString("order_id"), new OrderLine(rs.getString("sku"),
                        rs.getString("name"), rs.getInt("quantity"), rs.getBigDecimal("unit_price"))))
                .forEach(e -> byOrder.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        return byOrder;
    }

    void replaceTokenHash(Handle h, String tenantId, String number, String tokenHash) {
        h.createUpdate("UPDATE orders SET token_hash = :token WHERE tenant_id = :tenant AND number = :number")
                .bind("token", tokenHash).bind("tenant", tenantId).bind("number", number)
                .execute();
    }

    void updateStatus(Handle h, String tenantId, String number, OrderStatus status, Instant now) {
        h.createUpdate("UPDATE orders SET status = :status, updated_at = :now "
                        + "WHERE tenant_id = :tenant AND number = :number")
                .bind("status", status.wire()).bind("now", Database.ts(now))
                .bind("tenant", tenantId).bind("number", number)
                .execute();
    }

    /** Strips the customer's orders, and the guest orders placed with {@code guestEmail} (nullable: none). */
    void erasePersonalData(Handle h, String tenantId, String customerId, String guestEmail, Instant now) {
        ofCustomer(h, "customer_id = NULL, email = ''", tenantId, customerId, guestEmail, now).execute();
    }

    /**
     * Gives the orders of {@code fromCustomer}, and the guest orders placed with {@code guestEmail} (nullable: none),
     * to {@code toCustomer}, in one statement; returns how many.
     */
    int giveAway(Handle h, String tenantId, String fromCustomer, String guestEmail, String toCustomer, Instant now) {
        return ofCustomer(h, "customer_id = :to", tenantId, fromCustomer, guestEmail, now).bind("to", toCustomer)
                .execute();
    }

    /** An update that sets {@code set} on the customer's orders and the guest orders placed with {@code guestEmail}. */
    private static Update ofCustomer(Handle h, String set, String tenantId, String customerId, String guestEmail,
                                     Instant now) {
        var update = h.createUpdate("UPDATE orders SET " + set + ", updated_at = :now "
                        + "WHERE tenant_id = :tenant AND (customer_id = :customer"
                        + (guestEmail == null ? ")" : " OR (customer_id IS NULL AND email = :email))"))
                .bind("now", Database.ts(now)).bind("tenant", tenantId).bind("customer", customerId);
        if (guestEmail != null) {
            update.bind("email", guestEmail);
        }
        return update;
    }

    int countOf(Handle h, String tenantId, String customerId) {
        return h.createQuery("SELECT COUNT(*) FROM orders WHERE tenant_id = :tenant AND customer_id = :customer")
                .bind("tenant", tenantId).bind("customer", customerId).mapTo(Integer.class).one();
    }

    /**
     * Gives the guest orders placed with this email to the customer, or only the order {@code orderId} (nullable:
     * all) when it is one of them; orders of an account stay where they are.
     */
    int attachGuestOrders(Handle h, String tenantId, String customerId, String email, String orderId, Instant now) {
        var update = h.createUpdate("UPDATE orders SET customer_id = :customer, updated_at = :now "
                        + "WHERE tenant_id = :tenant AND email = :email AND customer_id IS NULL"
                        + (orderId == null ? "" : " AND id = :id"))
                .bind("customer", customerId).bind("now", Database.ts(now))
                .bind("tenant", tenantId).bind("email", email);
        if (orderId != null) {
            update.bind("id", orderId);
        }
        return update.execute();
    }

    private static Order order(ResultSet rs) throws SQLException {
        return new Order(rs.getString("id"), rs.getString("number"), rs.getString("email"),
                rs.getString("customer_id"), OrderStatus.fromWire(rs.getString("status")), rs.getString("currency"),
                rs.getBigDecimal("total"), rs.getString("token_hash"), Database.instant(rs, "placed_at"),
                Database.instant(rs, "created_at"), Database.instant(rs, "updated_at"));
    }
}
