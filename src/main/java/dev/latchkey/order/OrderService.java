package dev.latchkey.order;

import dev.latchkey.audit.Actor;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.customer.EmailAddress;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Paging;
import dev.latchkey.auth.Secrets;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.customer.OrderSummaries;
import dev.latchkey.customer.OrderSummary;
import dev.latchkey.db.Database;
import dev.latchkey.db.DatabaseErrors;
import dev.latchkey.db.UniqueViolation;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.Cursor;
import dev.latchkey.http.FieldError;
import dev.latchkey.http.Page;
import dev.latchkey.privacy.KeptOrders;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules of orders: the merchant records them, the customer reads their own, a guest reads one with its order
 * token. A guest order belongs to the customer whose verified email it was placed with, never to an unverified one.
 * The merchant's writes are recorded in the audit log in their own transaction.
 */
public final class OrderService implements KeptOrders {
    private static final Logger log = LoggerFactory.getLogger(OrderService.class);

    private final Database db;
    private final OrderStore store;
    private final CustomerService customers;
    private final AuditLog audit;
    private final Clock clock;

    public OrderService(Database db, CustomerService customers, AuditLog audit, Clock clock) {
        this.db = db;
        this.store = new OrderStore();
        this.customers = customers;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Records an order; the answer carries its guest token, which exists in plain only here. A guest order looks for
     * its owner once more after its commit (see {@link #ownerAfterCommit}), and the answer shows what that found.
     */
    public OrderView create(String tenantId, NewOrder in, Actor actor, ClientInfo client) {
        String token = Secrets.secret("ot");
        Instant now = now();
        Order order = new Order(Secrets.id("ord"), in.number(), in.email(), in.customerId(), in.status(),
                in.currency(), in.total(), Secrets.sha256(token), in.placedAt(), now, now);
        Order stored;
        try {
            stored = db.tx(h -> {
                Order owned = order.withCustomer(owner(h, tenantId, in));
                store.insert(h, tenantId, owned, in.lines());
                audit.record(h, tenantId, owned.customerId(), AuditType.ORDER_RECORDED, client,
                        actor.with(Map.of("number", owned.number(), "status", owned.status().wire())));
                return owned;
            });
        } catch (RuntimeException e) {
            if (UniqueViolation.is(e)) {
                throw new ApiError(409, "order_exists", "An order with number '" + in.number() + "' already exists.");
            }
            throw e;
        }
        return OrderView.of(stored.customerId() == null ? ownerAfterCommit(tenantId, stored) : stored, in.lines(),
                token);
    }

    /**
     * A guest order's second look for its owner, in a transaction of its own after the order committed. The owner
     * lookup in the order's transaction finds nothing when a verification of the address is under way that has not
     * committed the customer row with it (the merchant's create or email change, a confirmed email change), and that
     * verification's attach cannot see the uncommitted order either. Both sides look again after their commit (the
     * verification in {@link #attachGuestOrders}), so whichever commits last sees the other. The order is committed
     * whatever happens here: a failure is logged and the answer shows the order as it was stored.
     */
    private Order ownerAfterCommit(String tenantId, Order order) {
        try {
            return db.tx(h -> {
                Optional<Customer> owner = customers.lockByVerifiedEmail(h, tenantId, order.email());
                if (owner.isEmpty()) {
                    return order;
                }
                store.attachGuestOrders(h, tenantId, owner.get().id(), order.email(), order.id(), now());
                // as it is now: attached here, or already by the verification's second look
                return store.findByNumber(h, tenantId, order.number()).orElse(order);
            });
        } catch (RuntimeException e) {
            log.warn("order {} of tenant {}: the look for its owner after the commit failed; it may stay a guest "
                    + "order", order.id(), tenantId, DatabaseErrors.withoutValues(e));
            return order;
        }
    }

    /**
     * The customer named by the merchant (it must exist), else the one whose verified email placed the order. Either
     * way the customer row is locked until the order is stored: an erasure locks it first, so an order for a customer
     * being erased waits and then finds nobody, instead of being stored after the erasure stripped their orders.
     */
    private String owner(Handle h, String tenantId, NewOrder in) {
        if (in.customerId() == null) {
            return customers.lockByVerifiedEmail(h, tenantId, in.email()).map(Customer::id).orElse(null);
        }
        if (customers.lock(h, tenantId, in.customerId()).isEmpty()) {
            throw ApiError.validation(List.of(new FieldError("customer_id", "not_found",
                    "No customer with this id exists in this store.")));
        }
        return in.customerId();
    }

    public OrderView get(String tenantId, String number) {
        return db.read(h -> view(h, tenantId, find(h, tenantId, number)));
    }

    /**
     * Setting the status the order already has changes nothing and records nothing, as a PATCH that changes nothing
     * should. The row is held from the read of the old status to the commit, so the audit log's {@code from} is the
     * status this change replaced, even with another change of it under way.
     */
    public OrderView updateStatus(String tenantId, String number, OrderStatus status, Actor actor,
                                  ClientInfo client) {
        return db.tx(h -> {
            Order order = store.lockByNumber(h, tenantId, number).orElseThrow(OrderService::notFound);
            if (order.status() == status) {
                return view(h, tenantId, order);
            }
            store.updateStatus(h, tenantId, number, status, now());
            audit.record(h, tenantId, order.customerId(), AuditType.ORDER_STATUS_CHANGED, client, actor.with(
                    Map.of("number", number, "from", order.status().wire(), "to", status.wire())));
            return view(h, tenantId, find(h, tenantId, number));
        });
    }

    /**
     * A new guest token for the order, in place of its old one, which stops working: for a guest who lost theirs, or a
     * back end that lost the answer of the order's creation (its retry answers 409 {@code order_exists}, and only the
     * token's hash is kept). The order itself does not change.
     */
    public OrderView reissueToken(String tenantId, String number, Actor actor, ClientInfo client) {
        String token = Secrets.secret("ot");
        return db.tx(h -> {
            Order order = store.lockByNumber(h, tenantId, number).orElseThrow(OrderService::notFound);
            store.replaceTokenHash(h, tenantId, number, Secrets.sha256(token));
            audit.record(h, tenantId, order.customerId(), AuditType.ORDER_TOKEN_REISSUED, client,
                    actor.with(Map.of("number", number)));
            return view(h, tenantId, order, token);
        });
    }

    /** A guest's order: found only with its own token, compared by hash in constant time; anything else is 404. */
    public OrderView guestOrder(String tenantId, String number, String orderToken) {
        return db.read(h -> {
            Order order = find(h, tenantId, number);
            boolean match = orderToken != null && MessageDigest.isEqual(
                    Secrets.sha256(orderToken).getBytes(StandardCharsets.US_ASCII),
                    order.tokenHash().getBytes(StandardCharsets.US_ASCII));
            if (!match) {
                throw notFound();
            }
            return view(h, tenantId, order);
        });
    }

    public OrderView customerOrder(String tenantId, String customerId, String number) {
        return db.read(h -> {
            Order order = find(h, tenantId, number);
            if (!customerId.equals(order.customerId())) {
                throw notFound();
            }
            return view(h, tenantId, order);
        });
    }

    /** The customer's orders, newest first; keyset paging, so orders recorded meanwhile never shift a page. */
    public Page<OrderView> history(String tenantId, String customerId, Cursor after, int limit) {
        return db.read(h -> history(h, tenantId, customerId, after, limit));
    }

    /** {@link #history} for the merchant, who names the customer: 404 for an id that is not one of this tenant's. */
    public Page<OrderView> historyOfCustomer(String tenantId, String customerId, Cursor after, int limit) {
        return db.read(h -> {
            if (customers.find(h, tenantId, customerId).isEmpty()) {
                throw ApiError.notFound("Customer");
            }
            return history(h, tenantId, customerId, after, limit);
        });
    }

    /** At most this many customers' orders are read in one statement (one UNION ALL branch each). */
    private static final int SUMMARIES_AT_ONCE = 100;

    /**
     * The order summaries of these customers of the tenant (see {@link OrderSummaries}): their orders count, amount
     * spent per currency and latest order, read in one statement for up to {@value #SUMMARIES_AT_ONCE} customers (a
     * page of the customer list; an export's larger page in one statement per hundred).
     */
    public Map<String, OrderSummary> summaries(String tenantId, Collection<String> customerIds) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(customerIds));
        List<CurrencyFigures> figures = db.read(h -> {
            List<CurrencyFigures> read = new ArrayList<>();
            for (int from = 0; from < ids.size(); from += SUMMARIES_AT_ONCE) {
                read.addAll(store.figures(h, tenantId, ids.subList(from, Math.min(ids.size(),
                        from + SUMMARIES_AT_ONCE))));
            }
            return read;
        });
        return CurrencyFigures.summaries(ids, figures);
    }

    /** The merchant's list of the shop's orders, newest placed first, guest orders included. */
    public Page<OrderView> list(String tenantId, OrderFilter filter, Cursor after, int limit) {
        return db.read(h -> list(h, tenantId, filter, after, limit));
    }

    private Page<OrderView> history(Handle h, String tenantId, String customerId, Cursor after, int limit) {
        return list(h, tenantId, OrderFilter.ofCustomer(customerId), after, limit);
    }

    private Page<OrderView> list(Handle h, String tenantId, OrderFilter filter, Cursor after, int limit) {
        List<Order> rows = store.list(h, tenantId, filter, after, limit + 1);
        Page<Order> page = Page.of(rows, limit, Listing.ORDERS, order -> new Cursor(order.placedAt(), order.id()));
        Map<String, List<OrderLine>> lines = store.lines(h, tenantId, page.data().stream().map(Order::id).toList());
        return new Page<>(page.data().stream()
                .map(order -> OrderView.of(order, lines.getOrDefault(order.id(), List.of()), null)).toList(),
                page.nextCursor());
    }

    /** Every order of the customer, newest first, for the export of their data. */
    public Iterable<OrderView> allOf(String tenantId, String customerId) {
        return Page.all(Listing.ORDERS, after -> history(tenantId, customerId, after, Paging.MAX_LIMIT));
    }

    /**
     * The orders part of an account's erasure: the orders stay (the merchant's books need them) but lose the
     * customer and the email address, and so do guest orders placed with the customer's verified address. Orders of
     * other customers keep their data even when placed with that address (it may have been theirs before), and an
     * unverified address proves nothing: guest orders placed with it are not the customer's to erase.
     */
    @Override
    public void erasePersonalData(Handle h, String tenantId, String customerId) {
        store.erasePersonalData(h, tenantId, customerId,
                customers.find(h, tenantId, customerId).map(OrderService::verifiedEmail).orElse(null), now());
    }

    /**
     * A merge's orders, in the erasure of its source, with both customers locked: the source's orders become the kept
     * customer's, and so do the guest orders still placed with the source's verified email (they would have followed
     * that address to the source), in one statement that takes the place of the erasure's stripping of them. Returns
     * how many orders moved.
     */
    @Override
    public int moveToCustomer(Handle h, Customer source, String keptId) {
        return store.giveAway(h, source.tenantId(), source.id(), verifiedEmail(source), keptId, now());
    }

    /** The address whose guest orders are the customer's: their email once verified, else none (null). */
    private static String verifiedEmail(Customer customer) {
        return customer.emailVerified() ? customer.email() : null;
    }

    /** How many orders the customer has (a merge's preview). */
    public int countOf(Handle h, String tenantId, String customerId) {
        return store.countOf(h, tenantId, customerId);
    }

    /**
     * Attaches the guest orders placed with {@code verifiedEmail} to the customer. Email verification and the
     * confirmation of an email change call it in their transaction, after the customer row says that address is
     * verified; it refuses to run before, so no order can follow an address nobody proved to own.
     *
     * <p>A guest order recorded meanwhile is not committed yet, so this update misses it; and its own owner lookup
     * may have missed this customer (see {@link #ownerAfterCommit}). So once this transaction commits, the attach runs
     * again in a transaction of its own, if the customer still has the address verified by then.
     *
     * @return how many orders were attached in the caller's transaction
     */
    public int attachGuestOrders(Handle h, String tenantId, String customerId, String verifiedEmail) {
        String email = EmailAddress.normalise(verifiedEmail);
        if (customers.find(h, tenantId, customerId).filter(c -> hasVerified(c, email)).isEmpty()) {
            throw new IllegalStateException("guest orders are attached only to the customer's verified email");
        }
        h.afterCommit(() -> attachAfterCommit(h, tenantId, customerId, email));
        return store.attachGuestOrders(h, tenantId, customerId, email, null, now());
    }

    /**
     * The second attach, on the committed handle's connection (a transaction of its own; taking a second connection
     * from the pool while holding one could wait for the pool forever under load). The caller's transaction is
     * committed whatever happens here, so a failure is logged, not thrown.
     */
    private void attachAfterCommit(Handle h, String tenantId, String customerId, String email) {
        try {
            h.inTransaction(tx -> customers.lock(tx, tenantId, customerId).filter(c -> hasVerified(c, email))
                    .map(customer -> store.attachGuestOrders(tx, tenantId, customerId, email, null, now())));
        } catch (RuntimeException e) {
            log.warn("customer {} of tenant {}: attaching guest orders after the verification's commit failed; "
                    + "orders recorded at that moment may stay guest orders", customerId, tenantId,
                    DatabaseErrors.withoutValues(e));
        }
    }

    private static boolean hasVerified(Customer customer, String email) {
        return customer.emailVerified() && customer.email().equals(email);
    }

    private Order find(Handle h, String tenantId, String number) {
        return store.findByNumber(h, tenantId, number).orElseThrow(OrderService::notFound);
    }

    private OrderView view(Handle h, String tenantId, Order order) {
        return view(h, tenantId, order, null);
    }

    private OrderView view(Handle h, String tenantId, Order order, String orderToken) {
        return OrderView.of(order, store.lines(h, tenantId, List.of(order.id())).getOrDefault(order.id(), List.of()),
                orderToken);
    }

    private static ApiError notFound() {
        return ApiError.notFound("Order");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
