package dev.latchkey.order;

import dev.latchkey.customer.EmailAddress;
import dev.latchkey.http.Paging;
import java.util.ArrayList;
import dev.latchkey.auth.Secrets;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.db.Database;
import dev.latchkey.db.UniqueViolation;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.Cursor;
import dev.latchkey.http.FieldError;
import dev.latchkey.http.Page;
import org.jdbi.v3.core.Handle;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * The rules of orders: the merchant records them, the customer reads their own, a guest reads one with its order
 * token. A guest order belongs to the customer whose verified email it was placed with, never to an unverified one.
 */
public final class OrderService {
    private final Database db;
    private final OrderStore store;
    private final CustomerService customers;
    private final Clock clock;

    public OrderService(Database db, CustomerService customers, Clock clock) {
        this.db = db;
        this.store = new OrderStore();
        this.customers = customers;
        this.clock = clock;
    }

    /** Records an order; the answer carries its guest token, which exists in plain only here. */
    public OrderView create(String tenantId, NewOrder in) {
        String token = Secrets.secret("ot");
        Instant now = now();
        Order order = new Order(Secrets.id("ord"), in.number(), in.email(), in.customerId(), in.status(),
                in.currency(), in.total(), Secrets.sha256(token), in.placedAt(), now, now);
        try {
            Order stored = db.tx(h -> {
                Order owned = order.withCustomer(owner(h, tenantId, in));
                store.insert(h, tenantId, owned, in.lines());
                return owned;
            });
            return OrderView.of(stored, in.lines(), token);
        } catch (RuntimeException e) {
            if (UniqueViolation.is(e)) {
                throw new ApiError(409, "order_exists", "An order with number '" + in.number() + "' already exists.");
            }
            throw e;
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

    public OrderView updateStatus(String tenantId, String number, OrderStatus status) {
        return db.tx(h -> {
            if (store.updateStatus(h, tenantId, number, status, now()) == 0) {
                throw notFound();
            }
            return view(h, tenantId, find(h, tenantId, number));
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
        return db.read(h -> {
            List<Order> rows = store.listOfCustomer(h, tenantId, customerId, after, limit + 1);
            Page<Order> page = Page.of(rows, limit, order -> new Cursor(order.placedAt(), order.id()));
            Map<String, List<OrderLine>> lines = store.lines(h, tenantId, page.data().stream().map(Order::id).toList());
            return new Page<>(page.data().stream()
                    .map(order -> OrderView.of(order, lines.getOrDefault(order.id(), List.of()), null)).toList(),
                    page.nextCursor());
        });
    }

    /** Every order of the customer, newest first, for the export of their data. */
    public List<OrderView> allOf(String tenantId, String customerId) {
        List<OrderView> all = new ArrayList<>();
        Cursor after = null;
        do {
            Page<OrderView> page = history(tenantId, customerId, after, Paging.MAX_LIMIT);
            all.addAll(page.data());
            after = page.nextCursor() == null ? null : Cursor.decode(page.nextCursor());
        } while (after != null);
        return all;
    }

    /**
     * The orders part of an account's erasure: the orders stay (the merchant's books need them) but lose the
     * customer and the email address, and so do guest orders placed with the customer's verified address. Orders of
     * other customers keep their data even when placed with that address (it may have been theirs before), and an
     * unverified address proves nothing: guest orders placed with it are not the customer's to erase.
     */
    public void erasePersonalData(Handle h, String tenantId, String customerId) {
        String verifiedEmail = customers.find(h, tenantId, customerId).filter(Customer::emailVerified)
                .map(Customer::email).orElse(null);
        store.erasePersonalData(h, tenantId, customerId, verifiedEmail, now());
    }

    /**
     * Attaches the guest orders placed with {@code verifiedEmail} to the customer. Email verification and the
     * confirmation of an email change call it in their transaction, after the customer row says that address is
     * verified; it refuses to run before, so no order can follow an address nobody proved to own.
     *
     * @return how many orders were attached
     */
    public int attachGuestOrders(Handle h, String tenantId, String customerId, String verifiedEmail) {
        String email = EmailAddress.normalise(verifiedEmail);
        boolean verified = customers.find(h, tenantId, customerId)
                .filter(c -> c.emailVerified() && c.email().equals(email)).isPresent();
        if (!verified) {
            throw new IllegalStateException("guest orders are attached only to the customer's verified email");
        }
        return store.attachGuestOrders(h, tenantId, customerId, email, now());
    }

    private Order find(Handle h, String tenantId, String number) {
        return store.findByNumber(h, tenantId, number).orElseThrow(OrderService::notFound);
    }

    private OrderView view(Handle h, String tenantId, Order order) {
        return OrderView.of(order, store.lines(h, tenantId, List.of(order.id())).getOrDefault(order.id(), List.of()),
                null);
    }

    private static ApiError notFound() {
        return ApiError.notFound("Order");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
