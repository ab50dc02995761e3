package dev.latchkey.customer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.auth.Secrets;
import dev.latchkey.cluster.Invalidation;
import dev.latchkey.cluster.Invalidations;
import dev.latchkey.credential.HashCost;
import dev.latchkey.credential.PasswordHasher;
import dev.latchkey.db.Database;
import dev.latchkey.db.UniqueViolation;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.Cursor;
import dev.latchkey.http.Listing;
import dev.latchkey.http.Page;
import dev.latchkey.tenant.TenantSettings;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** The rules of customer accounts: sign-up, the merchant's create and import, login eligibility, the own profile. */
public final class CustomerService {
    /** What the storefront must do after sign-up before the shopper can log in, or null when nothing. */
    public record Registration(Customer customer, String nextStep) {
    }

    /** The consents a customer gave, as the data export shows them. */
    public record Consents(boolean acceptsMarketing, Instant acceptsMarketingUpdatedAt,
                           MarketingConsent emailMarketingConsent) {
    }

    private final Database db;
    private final CustomerStore store;
    private final CustomerTagStore tags;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final Invalidations invalidations;
    private final PasswordCosts costs;
    private final List<EmailVerifiedListener> verifiedListeners = new CopyOnWriteArrayList<>();
    private final List<EmailMovedListener> movedListeners = new CopyOnWriteArrayList<>();
    private final List<MarketingConsentListener> consentListeners = new CopyOnWriteArrayList<>();
    /**
     * Customers as their own profile reads them, without the password hash, briefly: every account page of a
     * storefront reads its shopper, and the database round trip was most of that request's cost. Every write to a
     * customer's row below evicts it on every node once its transaction commits; the lifetime is a safety net.
     */
    private final Cache<String, Customer> profiles = Caffeine.newBuilder()
            .maximumSize(100_000).expireAfterWrite(Duration.ofSeconds(30)).build();

    public CustomerService(Database db, CustomerStore store, CustomerTagStore tags, PasswordHasher hasher,
                           AuditLog audit, ObjectMapper mapper, Clock clock, Invalidations invalidations) {
        this.db = db;
        this.store = store;
        this.tags = tags;
        this.hasher = hasher;
        this.audit = audit;
        this.mapper = mapper;
        this.clock = clock;
        this.invalidations = invalidations;
        this.costs = new PasswordCosts(db, invalidations);
        invalidations.subscribe(this::onInvalidation);
        invalidations.subscribe(costs::onInvalidation);
    }

    private void onInvalidation(Invalidation invalidation) {
        switch (invalidation.kind()) {
            case CUSTOMER -> profiles.invalidate(profileKey(invalidation.tenantId(), invalidation.key()));
            case ALL -> profiles.invalidateAll();
            case SESSION, API_KEY, TENANT -> {
                // a customer's row does not depend on these
            }
        }
    }

    private static String profileKey(String tenantId, String id) {
        return tenantId + '\n' + id;
    }

    /** After a write to the customer's row: every node forgets the customer once the caller's transaction commits. */
    private void changed(Handle h, String tenantId, String id) {
        changed(h, tenantId, List.of(id));
    }

    /**
     * {@link #changed(Handle, String, String)} for many customers, published together (one wait for the nodes). A
     * customer the transaction publishes already (another write to the row, the end of their sessions) is published
     * once.
     */
    private void changed(Handle h, String tenantId, Collection<String> ids) {
        List<Invalidation> all = ids.stream().map(id -> new Invalidation(Invalidation.Kind.CUSTOMER, tenantId, id))
                .toList();
        Database.afterCommitEach(h, all, invalidations::publishAll);
    }

    /**
     * The shopper's own account for their profile page, from this node's cache when it may cache (see
     * {@link Invalidations#mayCache}); 401 {@code invalid_token} when it is gone. Without the password hash.
     */
    public Customer profile(String tenantId, String id) {
        if (!invalidations.mayCache()) {
            return withoutPasswordHash(own(tenantId, id));
        }
        // a loader runs under the key's lock, so an eviction meanwhile waits for it and then drops what it read
        return profiles.get(profileKey(tenantId, id), key -> withoutPasswordHash(own(tenantId, id)));
    }

    /** Without the merchant's note too, which the profile never shows (and which needs no room in the cache). */
    private static Customer withoutPasswordHash(Customer c) {
        return new Customer(c.tenantId(), c.id(), c.email(), c.emailVerified(), c.status(), null, c.profile(),
                c.defaultShippingAddressId(), c.defaultBillingAddressId(), c.createdAt(), c.updatedAt(), c.version(),
                c.mfaEnabledAt(), null);
    }

    /**
     * Inserts the customer in the caller's transaction, so that what registration also writes (the verification mail,
     * the marketing confirmation, the audit event) commits with it or not at all. {@code marketingLinkBase}: where a
     * double opt-in's confirmation link points (see {@link MarketingConsentListener#confirmationRequested}).
     */
    public Registration register(Handle h, String tenantId, TenantSettings settings, String email,
                                 String passwordHash, ProfileInput profile, String marketingLinkBase,
                                 ClientInfo client) {
        var status = settings.requireActivation() ? Customer.Status.PENDING_ACTIVATION : Customer.Status.ACTIVE;
        Customer customer = newCustomer(tenantId, email, false, status, passwordHash, profile,
                MarketingConsent.Source.shopper(settings), null);
        insert(h, customer);
        audit.record(h, tenantId, customer.id(), AuditType.CUSTOMER_REGISTERED, client, Map.of());
        marketingChosen(h, settings, null, customer, profile, marketingLinkBase, client);
        String nextStep = settings.requireEmailVerification() ? "verify_email"
                : settings.requireActivation() ? "await_activation" : null;
        return new Registration(customer, nextStep);
    }

    /**
     * The merchant's create or import: {@code passwordHash} is the hash of a given password, an imported hash, or null
     * for a customer invited to choose their password. {@code merchant}: the merchant's tags and note.
     */
    public record NewCustomer(String email, boolean emailVerified, Customer.Status status, String passwordHash,
                              ProfileInput profile, TagsAndNote merchant) {
    }

    /**
     * Creates a customer for the merchant in the caller's transaction; an imported hash is stored as it is and upgraded
     * at the first login. {@code auditData} tells how (by whom; imported or invited).
     */
    public AdminCustomer create(Handle h, String tenantId, NewCustomer input, Map<String, ?> auditData,
                                ClientInfo client) {
        Customer customer = newCustomer(tenantId, input.email(), input.emailVerified(), input.status(),
                input.passwordHash(), input.profile(), MarketingConsent.Source.MERCHANT,
                input.merchant().noteAfter(null));
        insert(h, customer);
        List<String> tagged = input.merchant().tagsAfter(List.of());
        tags.replace(h, tenantId, customer.id(), List.of(), tagged);
        audit.record(h, tenantId, customer.id(), AuditType.CUSTOMER_CREATED, client, auditData);
        if (customer.emailVerified()) {
            // an address the merchant vouches for is verified like any other: guest orders follow it
            emailVerified(h, customer, customer.email(), client, BY_MERCHANT);
        }
        return new AdminCustomer(customer, tagged);
    }

    /** A page of the merchant's customer list, newest first. */
    public Page<Customer> list(String tenantId, CustomerFilter filter, Cursor before, int limit) {
        List<Customer> rows = db.read(h -> store.list(h, tenantId, filter, before, limit + 1));
        return Page.of(rows, limit, Listing.CUSTOMERS, last -> new Cursor(last.createdAt(), last.id()));
    }

    /**
     * The customers changed at or after {@code since}, oldest change first, for a tool that copies them elsewhere: it
     * pages to the end, then asks again from the last {@code updated_at} it saw. An erased customer is no longer
     * listed; its {@code customer.deleted} audit event tells the tool.
     */
    public Page<Customer> changedSince(String tenantId, Instant since, CustomerFilter filter, Cursor after,
                                       int limit) {
        List<Customer> rows = db.read(h -> store.changedSince(h, tenantId, since, filter, after, limit + 1));
        return Page.of(rows, limit, Listing.CUSTOMER_CHANGES, last -> new Cursor(last.updatedAt(), last.id()));
    }

    /**
     * The merchant's change of a customer the caller has locked (with its tags, {@link #lockForAdmin}). Returns the
     * customer as it is now, unchanged (and not written) when the changes change nothing; a change of the tags alone
     * moves the version and {@code updated_at} too. A new address is unverified unless the changes say otherwise; an
     * address that becomes verified tells the verified-email listeners. 409 {@code email_taken} when another account
     * of the tenant has the new address.
     */
    public AdminCustomer updateByAdmin(Handle h, AdminCustomer locked, AdminChanges changes, ClientInfo client) {
        Instant now = now();
        Customer current = locked.customer();
        Customer next = changes.applyTo(current, now);
        List<String> nextTags = changes.merchant().tagsAfter(locked.tags());
        if (next.equals(current) && nextTags.equals(locked.tags())) {
            return locked;
        }
        boolean moving = !next.email().equals(current.email());
        if (moving) {
            requireFree(h, current, next.email());
        }
        uniqueEmail(() -> store.update(h, next, now));
        tags.replace(h, current.tenantId(), current.id(), locked.tags(), nextTags);
        changed(h, current.tenantId(), current.id());
        if (moving) {
            emailMoved(h, current);
        }
        if (next.emailVerified() && (!current.emailVerified() || moving)) {
            emailVerified(h, next, next.email(), client, BY_MERCHANT);
        }
        marketingChosen(h, null, current, next, ProfileInput.UNCHANGED, null, client);
        return new AdminCustomer(store.find(h, current.tenantId(), current.id()).orElseThrow(), nextTags);
    }

    /** The customer as the merchant reads them, with their tags; 404 when the tenant has no such customer. */
    public AdminCustomer forAdmin(String tenantId, String id) {
        return db.read(h -> {
            Customer customer = get(h, tenantId, id);
            return new AdminCustomer(customer, tags.of(h, tenantId, id));
        });
    }

    /** The merchant's tags and note about a customer, for the customer's own data export. */
    public record MerchantData(List<String> tags, String note) {
    }

    /**
     * The merchant's tags and note about the customer, as their data export shows them: data held about them, though
     * their storefront never shows it. 401 {@code invalid_token} when the account is gone, as {@link #own}.
     */
    public MerchantData merchantData(String tenantId, String id) {
        return db.read(h -> new MerchantData(tags.of(h, tenantId, id), own(h, tenantId, id).note()));
    }

    /** {@link #lockExisting}, with the customer's tags: the lock keeps them too from changing meanwhile. */
    public AdminCustomer lockForAdmin(Handle h, String tenantId, String id) {
        Customer customer = lockExisting(h, tenantId, id);
        return new AdminCustomer(customer, tags.of(h, tenantId, id));
    }

    /**
     * {@link #lockForAdmin} of many customers in two statements: those of these ids the tenant has (an id of none is
     * left out), locked in id order (see {@link CustomerStore#findAllForUpdate}), with their tags.
     */
    public List<AdminCustomer> lockAllForAdmin(Handle h, String tenantId, Collection<String> ids) {
        return tagged(h, tenantId, store.findAllForUpdate(h, tenantId, ids));
    }

    /** {@link #lockAllForAdmin} without the locks: a read that neither waits for a change nor holds one up. */
    public List<AdminCustomer> allForAdmin(Handle h, String tenantId, Collection<String> ids) {
        return tagged(h, tenantId, store.findAll(h, tenantId, ids));
    }

    private List<AdminCustomer> tagged(Handle h, String tenantId, List<Customer> customers) {
        Map<String, List<String>> byCustomer = tags.of(h, tenantId, customers.stream().map(Customer::id).toList());
        return customers.stream().map(c -> new AdminCustomer(c, byCustomer.getOrDefault(c.id(), List.of())))
                .toList();
    }

    /**
     * The merchant's change of many customers the caller has locked ({@link #lockAllForAdmin}), each changed as
     * {@link #updateByAdmin} changes one, in a few statements for them all. A customer the change leaves as they are is
     * not written and not answered. 422 {@code too_long} naming {@code add_tags} when any customer would have more
     * than 250 tags: then nothing is written.
     */
    public List<ChangedCustomer> updateAllByAdmin(Handle h, String tenantId, List<AdminCustomer> locked,
                                                  BulkChange change) {
        Map<String, AdminCustomer> before = new LinkedHashMap<>();
        Map<String, List<String>> nextTags = new HashMap<>();
        List<CustomerTagStore.Tagging> added = new ArrayList<>();
        List<String> overfull = new ArrayList<>();
        for (AdminCustomer current : locked) {
            String id = current.customer().id();
            List<String> next = change.tagsAfter(current.tags());
            if (next.equals(current.tags()) && !change.movesStatus(current.customer())) {
                continue;
            }
            CustomerTags.tooMany(next).ifPresent(message -> overfull.add(id));
            Set<String> had = current.tags().stream().map(CustomerTags::key).collect(Collectors.toSet());
            next.stream().filter(tag -> !had.contains(CustomerTags.key(tag)))
                    .forEach(tag -> added.add(new CustomerTagStore.Tagging(id, tag)));
            before.put(id, current);
            nextTags.put(id, next);
        }
        if (!overfull.isEmpty()) {
            throw ApiError.validation("add_tags", "too_long", "A customer may have at most " + CustomerTags.MAX_TAGS
                    + " tags; these would have more: " + String.join(", ", overfull) + ".");
        }
        if (before.isEmpty()) {
            return List.of();
        }
        store.touchAll(h, tenantId, before.keySet(), change.status(), now());
        tags.removeFromAll(h, tenantId, before.keySet(), change.remove().stream().map(CustomerTags::key).toList());
        tags.insert(h, tenantId, added);
        changed(h, tenantId, before.keySet());
        return store.findAll(h, tenantId, before.keySet()).stream()
                .sorted(Comparator.comparing(Customer::id))
                .map(after -> new ChangedCustomer(before.get(after.id()),
                        new AdminCustomer(after, nextTags.get(after.id()))))
                .toList();
    }

    /** A page of customers with their tags, read in one more statement for the whole page. */
    public Page<AdminCustomer> withTags(String tenantId, Page<Customer> page) {
        Map<String, List<String>> byCustomer = tagsOf(tenantId, page.data());
        return page.map(c -> new AdminCustomer(c, byCustomer.getOrDefault(c.id(), List.of())));
    }

    /** The tags of each of these customers, by id; one without tags is left out. */
    public Map<String, List<String>> tagsOf(String tenantId, List<Customer> customers) {
        return db.read(h -> tags.of(h, tenantId, customers.stream().map(Customer::id).toList()));
    }

    private Customer newCustomer(String tenantId, String email, boolean verified, Customer.Status status, String hash,
                                 ProfileInput profile, MarketingConsent.Source consentSource, String note) {
        Instant now = now();
        return new Customer(tenantId, Secrets.id("cus"), EmailAddress.normalise(email), verified, status, hash,
                profile.newProfile(now, consentSource), null, null, now, now, 1, null, note);
    }

    private void insert(Handle h, Customer customer) {
        String cost = holding(h, customer.tenantId(), customer.passwordHash());
        uniqueEmail(() -> store.insert(h, customer, cost));
    }

    /**
     * The cost to store beside {@code hash}, which becomes one of the shop's {@link PasswordCosts} in {@code h}'s
     * transaction; see {@link #costOf}.
     */
    private String holding(Handle h, String tenantId, String hash) {
        String cost = costOf(hash);
        hold(h, tenantId, cost);
        return cost;
    }

    private void hold(Handle h, String tenantId, String cost) {
        if (cost != null) {
            costs.holding(h, tenantId, cost);
        }
    }

    /** Null for no hash and one Latchkey made with its current parameters, otherwise its {@link HashCost}. */
    private String costOf(String hash) {
        return hash == null || !hasher.needsRehash(hash) ? null : HashCost.of(hash).orElse(null);
    }

    /**
     * When the customer's hash is replaced or the customer erased in {@code h}'s transaction: once it commits, the
     * hash's cost is forgotten when no other customer of the shop has a hash of it.
     */
    private void releaseAfterCommit(Handle h, Customer customer) {
        if (customer.passwordHash() != null) {
            Database.afterCommit(h, () -> released(customer.tenantId(), customer.passwordHash()));
        }
    }

    /** After {@code hash} was replaced: its cost is forgotten when no other customer of the shop has a hash of it. */
    private void released(String tenantId, String hash) {
        HashCost.of(hash).ifPresent(cost -> costs.released(tenantId, cost));
    }

    /**
     * The costs of the shop's customers' hashes that Latchkey did not make with its current parameters (imported
     * ones), for {@link PasswordHasher#verificationTime}. May name costs no customer has
     * any more, never leaves one out.
     */
    public Set<String> storedPasswordCosts(String tenantId) {
        return costs.of(tenantId);
    }

    /**
     * 409 {@code email_taken} when another account of the tenant has this address, decided from what is committed,
     * before the locked {@code customer}'s row is written. Left to the unique index alone, that write would wait for
     * a change under way of the account holding the address, which may be waiting for this customer's row (two
     * accounts trading addresses): a deadlock that PostgreSQL breaks by failing one of them.
     */
    private void requireFree(Handle h, Customer customer, String email) {
        if (store.findByEmail(h, customer.tenantId(), email).filter(other -> !other.id().equals(customer.id()))
                .isPresent()) {
            throw emailTaken();
        }
    }

    /** Runs a write of an email: 409 {@code email_taken} when the tenant has it (the unique constraint decides). */
    private static void uniqueEmail(Runnable write) {
        try {
            write.run();
        } catch (RuntimeException e) {
            if (UniqueViolation.is(e)) {
                throw emailTaken();
            }
            throw e;
        }
    }

    public static ApiError emailTaken() {
        return new ApiError(409, "email_taken", "An account with this email already exists.");
    }

    public Optional<Customer> findByEmail(String tenantId, String email) {
        return db.read(h -> store.findByEmail(h, tenantId, EmailAddress.normalise(email)));
    }

    /** Only once the password was right: whether the account's state lets it log in (else the 403 of that state). */
    public void checkCanLogIn(TenantSettings settings, Customer customer) {
        if (settings.requireEmailVerification() && !customer.emailVerified()) {
            throw new ApiError(403, "email_not_verified", "The email address has not been verified yet.");
        }
        requireActive(customer);
    }

    /**
     * An account the merchant put on hold or disabled keeps its address as it is until it is active again (403, as
     * its login would answer); one waiting for activation may still prove its address meanwhile.
     */
    public static void requireNotStopped(Customer customer) {
        if (isStopped(customer)) {
            requireActive(customer);
        }
    }

    /** On hold or disabled: stopped by the merchant, as opposed to not yet activated. */
    public static boolean isStopped(Customer customer) {
        return customer.status() == Customer.Status.ON_HOLD || customer.status() == Customer.Status.DISABLED;
    }

    /** 403 with the contract's code unless the account may log in. */
    public static void requireActive(Customer customer) {
        Optional<ApiError> refusal = notActive(customer, 403);
        if (refusal.isPresent()) {
            throw refusal.get();
        }
    }

    /**
     * The refusal of an account that may not log in, with this HTTP status and the code its login answers
     * ({@code account_pending_activation}, {@code account_on_hold}, {@code account_disabled}); empty when it may.
     */
    public static Optional<ApiError> notActive(Customer customer, int status) {
        return switch (customer.status()) {
            case PENDING_ACTIVATION -> Optional.of(new ApiError(status, "account_pending_activation",
                    "The account is waiting for the merchant to activate it."));
            case ON_HOLD -> Optional.of(new ApiError(status, "account_on_hold", "The account is on hold."));
            case DISABLED -> Optional.of(new ApiError(status, "account_disabled", "The account is disabled."));
            case ACTIVE -> Optional.empty();
        };
    }

    /**
     * Replaces the password hash unless it changed meanwhile (a concurrent password change wins). Used to upgrade an
     * imported or outdated hash at login; returns whether it was replaced.
     */
    public boolean replacePasswordHash(String tenantId, String id, String expectedHash, String newHash) {
        boolean replaced = db.tx(h -> store.replacePasswordHash(h, tenantId, id, expectedHash, newHash,
                holding(h, tenantId, newHash))) == 1;
        if (replaced) {
            released(tenantId, expectedHash);
        }
        return replaced;
    }

    public static ApiError invalidCredentials() {
        return new ApiError(401, "invalid_credentials", "The email or password is not correct.");
    }

    public Customer get(String tenantId, String id) {
        return db.read(h -> get(h, tenantId, id));
    }

    public Customer get(Handle h, String tenantId, String id) {
        return store.find(h, tenantId, id).orElseThrow(() -> ApiError.notFound("Customer"));
    }

    /**
     * The customers of these ids, by id, read in one query for a page that names many (a list of orders); an id of no
     * customer of the tenant (erased, or never one) is not among them.
     */
    public Map<String, Customer> findAll(String tenantId, Collection<String> ids) {
        return db.read(h -> store.findAll(h, tenantId, ids)).stream()
                .collect(Collectors.toMap(Customer::id, customer -> customer));
    }

    /** {@link #own} with the active cart: an account erased since its token was checked answers 401 like there. */
    public CustomerWithCart ownWithActiveCart(String tenantId, String id) {
        return db.read(h -> withActiveCart(h, tenantId, id)).orElseThrow(ApiError::invalidToken);
    }

    /** The customer and their active cart, read within the caller's transaction (e.g. after logging them in). */
    public Optional<CustomerWithCart> withActiveCart(Handle h, String tenantId, String id) {
        return store.findWithActiveCart(h, tenantId, id);
    }

    /** The customer, locked until {@code h}'s transaction ends, so that changes to its own data do not interleave. */
    public Customer lockExisting(Handle h, String tenantId, String id) {
        return store.findForUpdate(h, tenantId, id).orElseThrow(() -> ApiError.notFound("Customer"));
    }

    /**
     * The account that a shopper's access token names, for a request of that shopper. An account erased after the
     * token was checked (the request waited for the erasure's lock, or came a moment before every cache forgot the
     * token) answers 401 {@code invalid_token}, as the next request will: the token died with the account.
     */
    public Customer own(Handle h, String tenantId, String id) {
        return store.find(h, tenantId, id).orElseThrow(ApiError::invalidToken);
    }

    public Customer own(String tenantId, String id) {
        return db.read(h -> own(h, tenantId, id));
    }

    /** {@link #own}, locked like {@link #lockExisting}. */
    public Customer lockOwn(Handle h, String tenantId, String id) {
        return store.findForUpdate(h, tenantId, id).orElseThrow(ApiError::invalidToken);
    }

    /** Makes an address (whose ownership the caller checked) the default of the chosen kinds; returns the customer. */
    public Customer setDefaultAddress(Handle h, String tenantId, String id, String addressId, boolean shipping,
                                      boolean billing) {
        store.setDefaultAddress(h, tenantId, id, addressId, shipping, billing, now());
        changed(h, tenantId, id);
        return get(h, tenantId, id);
    }

    /** Called when an address goes away: a default pointing at it is cleared, not moved to another address. */
    public void clearDefaultAddress(Handle h, String tenantId, String id, String addressId) {
        store.clearDefaultAddress(h, tenantId, id, addressId, now());
        changed(h, tenantId, id);
    }

    public Consents consents(String tenantId, String id) {
        Customer.Profile profile = own(tenantId, id).profile();
        return new Consents(profile.acceptsMarketing(), profile.acceptsMarketingUpdatedAt(), profile.marketing());
    }

    /**
     * Removes the account row with its credentials, which frees the email for a new registration. Rows of other
     * features that reference the customer must be erased before, in the same transaction, which holds the row as
     * {@code customer} was read. The cost of its password hash goes, after the commit, as a replaced hash's does.
     */
    public void erase(Handle h, Customer customer) {
        tags.deleteAll(h, customer.tenantId(), customer.id());
        store.delete(h, customer.tenantId(), customer.id());
        changed(h, customer.tenantId(), customer.id());
        releaseAfterCommit(h, customer);
    }

    /** The customer with this id, read within the caller's transaction. */
    public Optional<Customer> find(Handle h, String tenantId, String id) {
        return store.find(h, tenantId, id);
    }

    /**
     * The customer whose email is this one and verified (an unverified address belongs to nobody yet), locked for the
     * rest of the caller's transaction. The lock orders this read after a verification under way of a customer row
     * that already has this address, which holds that row too. A transaction that writes the address itself (a new
     * customer, an email change) is invisible here until it commits, and this read does not wait for it: a caller
     * that must not miss such a verification looks again after both have committed.
     */
    public Optional<Customer> lockByVerifiedEmail(Handle h, String tenantId, String email) {
        return store.findByEmailForUpdate(h, tenantId, EmailAddress.normalise(email)).filter(Customer::emailVerified);
    }

    /**
     * Applies the changed fields to the profile as it is now: the row is locked while it is read and written, so two
     * changes of different fields at once both stay (a plain read would let the later write undo the earlier one).
     * Recorded as {@code customer.updated} with {@code by: customer} and the names of the fields changed (never their
     * values): a merchant's back end that keeps a copy (a CRM, a newsletter tool told of {@code accepts_marketing})
     * learns of the shopper's own changes as of the merchant's, from the audit log or a webhook. An AI shopping agent's
     * change is {@code by: agent} with its grant's {@code session_id}, the merchant's logged in as the customer
     * {@code by: impersonation} with its session's ({@code actedBy}: {@link dev.latchkey.auth.AccessToken#actedBy}).
     * A tick of the marketing box under a double opt-in leaves the consent {@code pending} and mails the confirmation
     * link (to {@code marketingLinkBase}); a tick while pending asks for that mail again, within the throttle.
     */
    public Customer updateProfile(String tenantId, TenantSettings settings, String id, ProfileInput changes,
                                  Long expectedVersion, String marketingLinkBase, ClientInfo client,
                                  Map<String, Object> actedBy) {
        return db.tx(h -> {
            Customer current = lockOwn(h, tenantId, id);
            if (expectedVersion != null && expectedVersion != current.version()) {
                throw versionConflict();
            }
            Instant now = now();
            Customer.Profile next = changes.applyTo(current.profile(), now, MarketingConsent.Source.shopper(settings));
            // nothing to change: the version and updated_at stay, as after the admin's no-op
            Customer updated = next.equals(current.profile()) ? current
                    : writeProfile(h, current, next, expectedVersion, now, client, actedBy);
            marketingChosen(h, settings, current, updated, changes, marketingLinkBase, client);
            return updated;
        });
    }

    private Customer writeProfile(Handle h, Customer current, Customer.Profile next, Long expectedVersion, Instant now,
                                  ClientInfo client, Map<String, Object> actedBy) {
        String tenantId = current.tenantId();
        String id = current.id();
        int changed = store.updateProfile(h, tenantId, id, next, expectedVersion, now);
        if (changed == 0) {
            throw versionConflict();
        }
        changed(h, tenantId, id);
        Customer updated = store.find(h, tenantId, id).orElseThrow();
        Map<String, Object> data = new HashMap<>(actedBy);
        data.put("changed", CustomerView.changedFields(current, updated, mapper));
        audit.record(h, tenantId, id, AuditType.CUSTOMER_UPDATED, client, data);
        return updated;
    }

    /**
     * Tells the consent listeners what a change of the marketing consent sets off: a pending request the merchant
     * ended, and a tick that leaves the consent pending (at sign-up, or by the shopper later; {@code before} null for
     * a new customer). The merchant's changes never ask for a confirmation ({@code settings} null there). The
     * shopper's own untick ends no link: its link subscribes no one while the consent is not pending, and is what a
     * tick again within the mail throttle's interval leaves the shopper (see {@code MarketingConfirmation}).
     */
    private void marketingChosen(Handle h, TenantSettings settings, Customer before, Customer after,
                                 ProfileInput changes, String linkBase, ClientInfo client) {
        boolean byMerchant = settings == null;
        boolean wasPending = before != null && before.profile().marketing().pending();
        if (wasPending && !after.profile().marketing().pending() && byMerchant) {
            consentListeners.forEach(listener -> listener.requestEnded(h, after));
        }
        if (after.profile().marketing().pending() && changes.ticksMarketing()) {
            consentListeners.forEach(listener -> listener.confirmationRequested(h, settings, after, wasPending,
                    linkBase, client));
        }
    }

    /**
     * The shopper opened the confirmation link of the locked, pending {@code customer}: subscribed, with a
     * {@code confirmed_opt_in}, recorded as {@code customer.marketing_consent_confirmed}.
     */
    public Customer confirmMarketing(Handle h, Customer customer, ClientInfo client) {
        Instant now = now();
        Customer.Profile next = customer.profile().withMarketing(MarketingConsent.confirmed(now), now, false);
        store.updateProfile(h, customer.tenantId(), customer.id(), next, null, now);
        changed(h, customer.tenantId(), customer.id());
        audit.record(h, customer.tenantId(), customer.id(), AuditType.CUSTOMER_MARKETING_CONSENT_CONFIRMED, client,
                Map.of());
        return store.find(h, customer.tenantId(), customer.id()).orElseThrow();
    }

    public String hashPassword(String password) {
        return hasher.hash(password);
    }

    public boolean passwordMatches(Customer customer, String password) {
        return hasher.verify(password, customer.passwordHash());
    }

    public Optional<Customer> findByEmail(Handle h, String tenantId, String email) {
        return store.findByEmail(h, tenantId, EmailAddress.normalise(email));
    }

    /** The customer with this email, locked for the rest of the caller's transaction. */
    public Optional<Customer> lockByEmail(Handle h, String tenantId, String email) {
        return store.findByEmailForUpdate(h, tenantId, EmailAddress.normalise(email));
    }

    /** The customer, locked for the rest of the caller's transaction. */
    public Optional<Customer> lock(Handle h, String tenantId, String id) {
        return store.findForUpdate(h, tenantId, id);
    }

    /** A locked customer, and what another feature keeps in the same row, read in the same statement. */
    public record Locked<X>(Customer customer, X alongside) {
    }

    /** {@link #lock}, reading {@code alongside} from the same row: one statement where a login needs both. */
    public <X> Optional<Locked<X>> lock(Handle h, String tenantId, String id, RowMapper<X> alongside) {
        return store.findForUpdate(h, tenantId, id, alongside);
    }

    /** Registers a listener; called by the wiring before the server starts. */
    public void onEmailVerified(EmailVerifiedListener listener) {
        verifiedListeners.add(listener);
    }

    /** Registers a listener; called by the wiring before the server starts. */
    public void onEmailMoved(EmailMovedListener listener) {
        movedListeners.add(listener);
    }

    /** Registers a listener; called by the wiring before the server starts. */
    public void onMarketingConsent(MarketingConsentListener listener) {
        consentListeners.add(listener);
    }

    private void emailMoved(Handle h, Customer customer) {
        movedListeners.forEach(listener -> listener.emailMoved(h, customer.tenantId(), customer.id()));
    }

    /** Records the proof of the address with the client that brought it, then tells the listeners. */
    private void emailVerified(Handle h, Customer customer, String email, ClientInfo client) {
        emailVerified(h, customer, email, client, Map.of());
    }

    /**
     * The merchant vouching for an address is marked so: the client recorded is the merchant's, which a shopper's data
     * export leaves out (see {@code AuditEvent.asExported}).
     */
    private static final Map<String, String> BY_MERCHANT = Map.of("by", "admin");

    private void emailVerified(Handle h, Customer customer, String email, ClientInfo client, Map<String, ?> data) {
        audit.record(h, customer.tenantId(), customer.id(), AuditType.EMAIL_VERIFIED, client, data);
        verifiedListeners.forEach(listener -> listener.emailVerified(h, customer.tenantId(), customer.id(), email));
    }

    public Customer markEmailVerified(Handle h, Customer customer, ClientInfo client) {
        store.setEmailVerified(h, customer.tenantId(), customer.id(), now());
        changed(h, customer.tenantId(), customer.id());
        emailVerified(h, customer, customer.email(), client);
        return store.find(h, customer.tenantId(), customer.id()).orElseThrow();
    }

    /**
     * Turns the account's second factor on (as of now) or off, in the caller's transaction, which holds the row: from
     * then on a login asks for it, and the Customer object shows it.
     */
    public void setMfaEnabled(Handle h, Customer customer, boolean enabled) {
        Instant now = now();
        store.setMfaEnabledAt(h, customer.tenantId(), customer.id(), enabled ? now : null, now);
        changed(h, customer.tenantId(), customer.id());
    }

    /** Stores a new password hash; see {@link CustomerStore#setPassword}. */
    public void setPassword(Handle h, Customer customer, String passwordHash, boolean emailProven,
                            ClientInfo client) {
        store.setPassword(h, customer.tenantId(), customer.id(), passwordHash,
                holding(h, customer.tenantId(), passwordHash), emailProven, now());
        changed(h, customer.tenantId(), customer.id());
        releaseAfterCommit(h, customer);
        if (emailProven && !customer.emailVerified()) {
            emailVerified(h, customer, customer.email(), client);
        }
    }

    /** Stores a password hash on an account without a password; false when it has one, which stays. */
    public boolean setPasswordIfNone(Handle h, Customer customer, String passwordHash) {
        String cost = costOf(passwordHash);
        if (!store.setPasswordIfNone(h, customer.tenantId(), customer.id(), passwordHash, cost, now())) {
            return false;
        }
        // after the write, in its transaction: a cost forgotten meanwhile is written again
        hold(h, customer.tenantId(), cost);
        changed(h, customer.tenantId(), customer.id());
        return true;
    }

    /** Moves the customer to a confirmed new address; 409 {@code email_taken} when another account has it by now. */
    public Customer changeEmail(Handle h, Customer customer, String newEmail, ClientInfo client) {
        String address = EmailAddress.normalise(newEmail);
        requireFree(h, customer, address);
        uniqueEmail(() -> store.setEmail(h, customer.tenantId(), customer.id(), address, now()));
        changed(h, customer.tenantId(), customer.id());
        emailMoved(h, customer);
        emailVerified(h, customer, address, client);
        return store.find(h, customer.tenantId(), customer.id()).orElseThrow();
    }

    public static ApiError versionConflict() {
        return new ApiError(409, "version_conflict", "The customer was changed since you read it; read it again.");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
