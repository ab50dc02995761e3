package dev.latchkey.privacy;

import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.auth.AccessToken;
import dev.latchkey.auth.Secrets;
import dev.latchkey.auth.TokenService;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.mail.MailTemplate;
import dev.latchkey.mail.SecretLink;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.tenant.TenantSettings;
import dev.latchkey.verification.CustomerMail;
import dev.latchkey.verification.EmailTokens;
import dev.latchkey.verification.RedirectPolicy;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Account deletion (GDPR art. 17). Unless the tenant turned {@code deletion_requires_confirmation} off, a request only
 * issues a single-use confirmation token; the erasure happens when that token comes back. The erasure runs every
 * feature's {@link ErasureStep}, forgets the mail written to the customer and removes the customer row in one
 * transaction, which frees the email. It is recorded as {@code customer.deleted} without the shopper's IP address or
 * user agent: those are theirs, and what is erased.
 */
public final class AccountDeletionService {
    private final Database db;
    private final DeletionTokenStore store = new DeletionTokenStore();
    private final TenantService tenants;
    private final CustomerService customers;
    private final TokenService tokens;
    private final CustomerMail mail;
    private final AuditLog audit;
    private final List<ErasureStep> steps;
    private final KeptOrders orders;
    private final Clock clock;

    public AccountDeletionService(Database db, TenantService tenants, CustomerService customers, TokenService tokens,
                                  CustomerMail mail, AuditLog audit, List<ErasureStep> steps, KeptOrders orders,
                                  Clock clock) {
        this.db = db;
        this.tenants = tenants;
        this.customers = customers;
        this.tokens = tokens;
        this.mail = mail;
        this.audit = audit;
        this.steps = List.copyOf(steps);
        this.orders = orders;
        this.clock = clock;
    }

    /** A deletion asked for and not yet confirmed, as the customer's data export shows it (never its token). */
    public record Request(Instant requestedAt, Instant expiresAt) {
    }

    /** The customer's deletion requests awaiting confirmation (expired ones until housekeeping removes them). */
    public List<Request> requestsOf(String tenantId, String customerId) {
        return db.read(h -> store.allOf(h, tenantId, customerId));
    }

    /**
     * Whether the shopper's deletion waits for a mailed confirmation ({@link #requestConfirmation}) or happens at once
     * ({@link #eraseByCustomer}): the tenant's {@code deletion_requires_confirmation}.
     */
    public boolean requiresConfirmation(String tenantId) {
        return tenants.settings(tenantId).deletionRequiresConfirmation();
    }

    /**
     * The shopper's own deletion, at once, for a tenant that asks no confirmation; 401 when the asking session was ended
     * meanwhile (another device of theirs logged it out).
     */
    public void eraseByCustomer(AccessToken caller) {
        erase(h -> lockOwnFor(h, caller), this::recordByCustomer);
    }

    /**
     * The customer row of the asking shopper, locked, once their session is known not to have ended: read, not locked,
     * since the erasure takes sessions only after their token pairs, in a rotation's lock order. Another device of
     * theirs ends sessions under the same customer lock, so its doing is seen all the same.
     */
    private Customer lockOwnFor(Handle h, AccessToken caller) {
        Customer customer = customers.lockOwn(h, caller.tenantId(), caller.customerId());
        tokens.requireUnendedWithoutLock(h, caller);
        return customer;
    }

    /** The account's address moved: a confirmation mailed to the old one no longer erases the account. */
    public void withdrawRequests(Handle h, String tenantId, String customerId) {
        store.deleteAll(h, tenantId, customerId);
    }

    /**
     * Issues a token valid for the tenant's {@code verification_ttl}, replacing any earlier one of the customer, and
     * queues the confirmation mail in the same transaction. The link goes to the tenant's first allowed origin.
     * Within the tenant's {@code email_interval} of the last confirmation mail nothing happens: the token of that mail
     * stays the one to use, and a script repeating the request cannot fill the shopper's inbox.
     */
    public void requestConfirmation(AccessToken caller) {
        String tenantId = caller.tenantId();
        String customerId = caller.customerId();
        String token = Secrets.secret("del");
        Instant now = now();
        TenantSettings settings = tenants.settings(tenantId);
        Instant expiresAt = now.plusSeconds(settings.verificationTtl());
        db.tx(h -> {
            Customer customer = lockOwnFor(h, caller);
            Instant cutoff = now.minusSeconds(settings.emailInterval());
            if (store.lastIssued(h, tenantId, customerId).map(cutoff::isBefore).orElse(false)) {
                return null;
            }
            store.deleteAll(h, tenantId, customerId);
            store.insert(h, tenantId, customerId, Secrets.sha256(token), now, expiresAt);
            mail.send(h, customer, customer.email(), MailTemplate.DELETION_CONFIRM, Map.of(),
                    new SecretLink(RedirectPolicy.linkBase(settings, null, "url"), token,
                            Duration.ofSeconds(settings.verificationTtl())));
            return null;
        });
    }

    /** Erases the account when {@code token} is its live confirmation token; otherwise nothing changes (400). */
    public void confirm(AccessToken caller, String token) {
        String tenantId = caller.tenantId();
        String customerId = caller.customerId();
        String hash = Secrets.sha256(token);
        Instant now = now();
        db.tx(h -> {
            Customer customer = lockOwnFor(h, caller);
            if (store.consume(h, tenantId, customerId, hash, now) == 0) {
                throw store.expiry(h, tenantId, customerId, hash).isPresent()
                        ? new ApiError(400, "token_expired", "The deletion link has expired; request a new one.")
                        : new ApiError(400, "invalid_token", "The deletion token is not valid for this account.");
            }
            eraseLocked(h, customer);
            recordByCustomer(h, tenantId, customerId);
            return null;
        });
    }

    /** Deletes the tenant's confirmation tokens that expired as long ago as emailed tokens are kept for. */
    public int purgeExpired(Handle h, String tenantId, Instant now) {
        return store.deleteExpired(h, tenantId, now.minus(EmailTokens.KEPT_AFTER_EXPIRY));
    }

    private void recordByCustomer(Handle h, String tenantId, String customerId) {
        audit.record(h, tenantId, customerId, AuditType.CUSTOMER_DELETED, null, Map.of("by", "customer"));
    }

    /**
     * Erases the account at once (the merchant's deletion, or the shopper's when the tenant asks no confirmation);
     * {@code record} writes the audit record last, in the same transaction.
     */
    public void erase(String tenantId, String customerId, ErasureStep record) {
        erase(h -> customers.lockExisting(h, tenantId, customerId), record);
    }

    /** The erasure of the customer that {@code lock} locks (or refuses, when they are gone). */
    private void erase(Function<Handle, Customer> lock, ErasureStep record) {
        db.tx(h -> {
            Customer customer = lock.apply(h);
            eraseLocked(h, customer);
            record.erase(h, customer.tenantId(), customer.id());
            return null;
        });
    }

    /**
     * Erases a customer whom the caller locked in its own transaction to merge them into {@code keptId}, whom it holds
     * too: as {@link #erase} does, but that their orders, and the guest orders of their verified address, go to the
     * kept customer instead of being stripped ({@link KeptOrders}). {@code record} writes the audit record last, and
     * once the caller's transaction commits every node forgets the customer's cached tokens. Returns how many orders
     * moved.
     */
    public int eraseInto(Handle h, Customer locked, String keptId, ErasureStep record) {
        eraseSteps(h, locked);
        int moved = orders.moveToCustomer(h, locked, keptId);
        removeAccount(h, locked);
        record.erase(h, locked.tenantId(), locked.id());
        return moved;
    }

    private void eraseLocked(Handle h, Customer customer) {
        eraseSteps(h, customer);
        orders.erasePersonalData(h, customer.tenantId(), customer.id());
        removeAccount(h, customer);
    }

    /**
     * Every feature's step. The orders follow them (stripped, or a merge's moved), the last before the account goes:
     * a guest order of the customer's address recorded while the steps ran is then stripped, or moved, with the rest.
     */
    private void eraseSteps(Handle h, Customer customer) {
        for (ErasureStep step : steps) {
            step.erase(h, customer.tenantId(), customer.id());
        }
    }

    private void removeAccount(Handle h, Customer customer) {
        mail.forget(h, customer);
        store.deleteAll(h, customer.tenantId(), customer.id());
        customers.erase(h, customer);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
