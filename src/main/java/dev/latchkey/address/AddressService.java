package dev.latchkey.address;

import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.auth.Secrets;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.Cursor;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Page;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;

/**
 * The address book rules. Every read and change is scoped to one customer of one tenant, so another customer's id is
 * simply not found. Every change locks the customer's row first, whether the shopper or the merchant makes it, so the
 * count limit, the defaults and a change merged into the address as it is hold against one another. Each change is
 * recorded in the audit log in its transaction ({@code address.created}, {@code .updated} with the names of the fields
 * changed, never their values, {@code .deleted}, {@code .default_changed}), so a back end that keeps a copy hears of it
 * from a webhook, whoever made it.
 */
public final class AddressService {
    public static final int MAX_PER_CUSTOMER = 100;

    /** Which default an address becomes. */
    public enum DefaultKind {
        SHIPPING(true, false), BILLING(false, true), BOTH(true, true);

        private final boolean shipping;
        private final boolean billing;

        DefaultKind(boolean shipping, boolean billing) {
            this.shipping = shipping;
            this.billing = billing;
        }

        public static Optional<DefaultKind> fromWire(String value) {
            return Arrays.stream(values()).filter(kind -> kind.wire().equals(value)).findFirst();
        }

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Database db;
    private final AddressStore store = new AddressStore();
    private final CustomerService customers;
    private final AuditLog audit;
    private final Clock clock;

    public AddressService(Database db, CustomerService customers, AuditLog audit, Clock clock) {
        this.db = db;
        this.customers = customers;
        this.audit = audit;
        this.clock = clock;
    }

    /** The logged-in shopper's book, oldest first. */
    public Page<Address> list(String tenantId, String customerId, Cursor after, int limit) {
        return db.read(h -> page(h, customers.own(h, tenantId, customerId), after, limit));
    }

    /** {@link #list} for the merchant, who names the customer: 404 for an id that is not one of this tenant's. */
    public Page<Address> listOfCustomer(String tenantId, String customerId, Cursor after, int limit) {
        return db.read(h -> page(h, customers.get(h, tenantId, customerId), after, limit));
    }

    private Page<Address> page(Handle h, Customer owner, Cursor after, int limit) {
        List<Address> rows = store.list(h, owner.tenantId(), owner.id(), after, limit + 1).stream()
                .map(stored -> Address.of(stored, owner)).toList();
        return Page.of(rows, limit, Listing.ADDRESSES, last -> new Cursor(last.createdAt(), last.id()));
    }

    /** The whole book, oldest first: it never holds more than {@value #MAX_PER_CUSTOMER} addresses. */
    public List<Address> all(String tenantId, String customerId) {
        return list(tenantId, customerId, null, MAX_PER_CUSTOMER).data();
    }

    /** {@link #all} of a customer already found (a customer erased since has an empty book, not an error). */
    public List<Address> allOf(Customer owner) {
        return db.read(h -> page(h, owner, null, MAX_PER_CUSTOMER)).data();
    }

    public Address get(Book book, String id) {
        return db.read(h -> {
            Customer owner = book.merchant() ? customers.get(h, book.tenantId(), book.customerId())
                    : customers.own(h, book.tenantId(), book.customerId());
            return Address.of(find(h, book, id), owner);
        });
    }

    public Address create(Book book, AddressInput input) {
        StoredAddress stored = newAddress(input);
        AddressFields fields = stored.fields();
        return db.tx(h -> {
            Customer owner = lockOwner(h, book);
            List<StoredAddress> held = store.list(h, book.tenantId(), book.customerId(), null, MAX_PER_CUSTOMER);
            if (held.size() >= MAX_PER_CUSTOMER) {
                throw addressLimit();
            }
            requireNew(held, fields, null);
            store.insert(h, book.tenantId(), book.customerId(), stored);
            record(h, book, AuditType.ADDRESS_CREATED, stored.id(), Map.of());
            return Address.of(stored, owner);
        });
    }

    /**
     * The first address of a customer just created in the caller's transaction, made their default for shipping and
     * billing: a bulk import's address columns. Answers the audit events the address routes would record for it
     * ({@code address.created}, {@code address.default_changed}), for the caller to record with its batch.
     */
    public List<AuditLog.Entry> createDefault(Handle h, Book book, AddressInput input) {
        StoredAddress stored = newAddress(input);
        store.insert(h, book.tenantId(), book.customerId(), stored);
        customers.setDefaultAddress(h, book.tenantId(), book.customerId(), stored.id(), true, true);
        return List.of(entry(book, AuditType.ADDRESS_CREATED, stored.id(), Map.of()),
                entry(book, AuditType.ADDRESS_DEFAULT_CHANGED, stored.id(), Map.of("type", DefaultKind.BOTH.wire())));
    }

    /**
     * A bulk import's address for a customer the shop has already, in the caller's transaction: it becomes the
     * customer's default. Its place (company, lines, city, region, postal code, country, phone) replaces that of the
     * default shipping address, a part left out clearing it; the recipient's name and the tags change only where the
     * row gives them (the CSV has no column for them). When another address of the book is that place already, that
     * one takes the row's fields and the default's role instead, as a book holds each place once; without a default
     * shipping address the row's is added (422 {@code address_limit_reached} when the book is full). The address is
     * then the default for shipping, and for billing too when it replaced the billing default or there was none.
     * Answers the audit events of what changed, as the address routes would record them (none when nothing did), for
     * the caller to record with its batch.
     */
    public List<AuditLog.Entry> replaceDefault(Handle h, Book book, AddressInput input) {
        String tenantId = book.tenantId();
        String customerId = book.customerId();
        Customer owner = customers.lock(h, tenantId, customerId).orElseThrow(AddressService::notFound);
        List<StoredAddress> held = store.list(h, tenantId, customerId, null, MAX_PER_CUSTOMER);
        StoredAddress current = held.stream().filter(a -> a.id().equals(owner.defaultShippingAddressId()))
                .findFirst().orElse(null);
        AddressFields kept = current == null ? AddressFields.EMPTY : current.fields().withoutPlace();
        AddressFields asGiven = input.applyTo(kept);
        StoredAddress target = held.stream().filter(a -> a.fields().samePlaceAs(asGiven)).findFirst().orElse(current);
        List<AuditLog.Entry> events = new ArrayList<>();
        if (target == null) {
            if (held.size() >= MAX_PER_CUSTOMER) {
                throw addressLimit();
            }
            target = newAddress(input);
            store.insert(h, tenantId, customerId, target);
            events.add(entry(book, AuditType.ADDRESS_CREATED, target.id(), Map.of()));
        } else {
            AddressFields fields = checked(input.applyTo(target.fields().withoutPlace()));
            if (!fields.equals(target.fields())) {
                store.update(h, tenantId, customerId, target.id(), fields, now());
                events.add(entry(book, AuditType.ADDRESS_UPDATED, target.id(),
                        Map.of("changed", fields.changedSince(target.fields()))));
            }
        }
        String billing = owner.defaultBillingAddressId();
        boolean shippingMoves = !target.id().equals(owner.defaultShippingAddressId());
        boolean billingMoves = !target.id().equals(billing)
                && (billing == null || current != null && billing.equals(current.id()));
        if (shippingMoves || billingMoves) {
            customers.setDefaultAddress(h, tenantId, customerId, target.id(), shippingMoves, billingMoves);
            DefaultKind kind = !billingMoves ? DefaultKind.SHIPPING : shippingMoves ? DefaultKind.BOTH
                    : DefaultKind.BILLING;
            events.add(entry(book, AuditType.ADDRESS_DEFAULT_CHANGED, target.id(), Map.of("type", kind.wire())));
        }
        return events;
    }

    private StoredAddress newAddress(AddressInput input) {
        Instant now = now();
        return new StoredAddress(Secrets.id("adr"), checked(input.applyTo(AddressFields.EMPTY)), now, now);
    }

    /**
     * The default shipping address of each of {@code owners} that has one, by customer id, in one read: a bulk export
     * writes a page of customers at a time.
     */
    public Map<String, Address> defaultShipping(String tenantId, List<Customer> owners) {
        Map<String, Customer> byAddress = new HashMap<>();
        owners.stream().filter(c -> c.defaultShippingAddressId() != null)
                .forEach(c -> byAddress.put(c.defaultShippingAddressId(), c));
        if (byAddress.isEmpty()) {
            return Map.of();
        }
        Map<String, Address> found = new HashMap<>();
        db.read(h -> store.byIds(h, tenantId, List.copyOf(byAddress.keySet()))).forEach(stored -> {
            Customer owner = byAddress.get(stored.id());
            found.put(owner.id(), Address.of(stored, owner));
        });
        return found;
    }

    /**
     * Merges the changed fields into the address as it is now. The customer row is locked before the address is read,
     * so two changes of one address at once queue up and neither writes back fields the other has just changed. A
     * change to what the address already holds writes nothing. An address that was already the same place as another
     * (from before the book held each address once) may still change its tags or anything that keeps it that place.
     */
    public Address update(Book book, String id, AddressInput input) {
        return db.tx(h -> {
            Customer owner = lockOwner(h, book);
            List<StoredAddress> held = store.list(h, book.tenantId(), book.customerId(), null, MAX_PER_CUSTOMER);
            StoredAddress current = held.stream().filter(address -> address.id().equals(id)).findFirst()
                    .orElseThrow(AddressService::notFound);
            AddressFields merged = input.applyTo(current.fields());
            if (merged.equals(current.fields())) {
                return Address.of(current, owner);
            }
            AddressFields fields = checked(merged);
            if (!fields.samePlaceAs(current.fields())) {
                requireNew(held, fields, id);
            }
            Instant now = now();
            if (store.update(h, book.tenantId(), book.customerId(), id, fields, now) == 0) {
                throw notFound();
            }
            record(h, book, AuditType.ADDRESS_UPDATED, id, Map.of("changed", fields.changedSince(current.fields())));
            return Address.of(new StoredAddress(id, fields, current.createdAt(), now), owner);
        });
    }

    /** Deleting a default address leaves the customer without that default. */
    public void delete(Book book, String id) {
        db.tx(h -> {
            lockOwner(h, book);
            if (store.delete(h, book.tenantId(), book.customerId(), id) == 0) {
                throw notFound();
            }
            customers.clearDefaultAddress(h, book.tenantId(), book.customerId(), id);
            record(h, book, AuditType.ADDRESS_DELETED, id, Map.of());
            return null;
        });
    }

    public Address makeDefault(Book book, String id, DefaultKind kind) {
        return db.tx(h -> {
            lockOwner(h, book);
            StoredAddress address = find(h, book, id);
            Customer owner = customers.setDefaultAddress(h, book.tenantId(), book.customerId(), id, kind.shipping,
                    kind.billing);
            record(h, book, AuditType.ADDRESS_DEFAULT_CHANGED, id, Map.of("type", kind.wire()));
            return Address.of(address, owner);
        });
    }

    private Customer lockOwner(Handle h, Book book) {
        return book.merchant() ? customers.lockExisting(h, book.tenantId(), book.customerId())
                : customers.lockOwn(h, book.tenantId(), book.customerId());
    }

    private void record(Handle h, Book book, AuditType type, String addressId, Map<String, ?> details) {
        audit.record(h, entry(book, type, addressId, details));
    }

    /** An audit event of a change of {@code addressId}: who acted, the address, then {@code details}. */
    private static AuditLog.Entry entry(Book book, AuditType type, String addressId, Map<String, ?> details) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("address_id", addressId);
        data.putAll(details);
        return new AuditLog.Entry(book.tenantId(), book.customerId(), type, book.client(), book.event(data));
    }

    /**
     * Plans the move of {@code source}'s address book into {@code kept}'s, both locked by the caller; reads only. A
     * source address that is a place the kept book holds (or an earlier moving one) stays behind. The source's
     * defaults fill only the kinds the kept customer has none of, pointing at the moved address or at the kept one it
     * duplicates.
     */
    public BookMerge planMerge(Handle h, Customer kept, Customer source) {
        String tenantId = kept.tenantId();
        List<StoredAddress> book = new ArrayList<>(store.list(h, tenantId, kept.id(), null, MAX_PER_CUSTOMER));
        Map<String, String> landsAs = new HashMap<>();
        List<String> moving = new ArrayList<>();
        for (StoredAddress address : store.list(h, tenantId, source.id(), null, MAX_PER_CUSTOMER)) {
            StoredAddress same = book.stream().filter(a -> a.fields().samePlaceAs(address.fields())).findFirst()
                    .orElse(null);
            if (same == null) {
                book.add(address);
                moving.add(address.id());
            }
            landsAs.put(address.id(), same == null ? address.id() : same.id());
        }
        String shipping = kept.defaultShippingAddressId() != null ? null
                : landsAs.get(source.defaultShippingAddressId());
        String billing = kept.defaultBillingAddressId() != null ? null
                : landsAs.get(source.defaultBillingAddressId());
        return new BookMerge(tenantId, kept.id(), source.id(), moving, landsAs.size() - moving.size(), shipping,
                billing, book.size());
    }

    /** Moves the planned addresses and sets the defaults they fill, in the caller's transaction. */
    public void merge(Handle h, BookMerge plan) {
        if (!plan.moving().isEmpty()) {
            store.move(h, plan.tenantId(), plan.sourceId(), plan.keptId(), plan.moving());
        }
        if (plan.shipping() != null) {
            customers.setDefaultAddress(h, plan.tenantId(), plan.keptId(), plan.shipping(), true,
                    plan.shipping().equals(plan.billing()));
        }
        if (plan.billing() != null && !plan.billing().equals(plan.shipping())) {
            customers.setDefaultAddress(h, plan.tenantId(), plan.keptId(), plan.billing(), false, true);
        }
    }

    /** Part of the account erasure: runs inside its transaction, before the customer row goes. */
    public void erase(Handle h, String tenantId, String customerId) {
        store.deleteAll(h, tenantId, customerId);
    }

    private StoredAddress find(Handle h, Book book, String id) {
        return store.find(h, book.tenantId(), book.customerId(), id).orElseThrow(AddressService::notFound);
    }

    /**
     * A book holds each address once, as Shopify's does: one that differs from another only in letter case, blanks
     * around its text or its tags is the same address (409 {@code address_exists}). The caller holds the customer's
     * row lock, so two requests adding one address at once cannot both get in.
     */
    private static void requireNew(List<StoredAddress> book, AddressFields fields, String changedId) {
        for (StoredAddress other : book) {
            if (!other.id().equals(changedId) && other.fields().samePlaceAs(fields)) {
                throw new ApiError(409, "address_exists",
                        "The address book already holds this address as " + other.id() + ".");
            }
        }
    }

    /** The postal code must fit the country of the address as it will be stored, whichever of the two changed. */
    private static AddressFields checked(AddressFields fields) {
        if (fields.postalCode() != null) {
            PostalCodes.problem(fields.country(), fields.postalCode()).ifPresent(message -> {
                throw ApiError.validation("postal_code", "invalid", message);
            });
        }
        return fields;
    }

    private static ApiError addressLimit() {
        return new ApiError(422, "address_limit_reached", "An address book holds at most " + MAX_PER_CUSTOMER
                + " addresses; delete one before adding another.");
    }

    private static ApiError notFound() {
        return ApiError.notFound("Address");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
