package dev.latchkey.customer;

import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.auth.Secrets;
import dev.latchkey.credential.HashFormat;
import dev.latchkey.credential.PasswordHasher;
import dev.latchkey.db.Database;
import dev.latchkey.db.UniqueViolation;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.tenant.TenantSettings;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/** The rules of customer accounts: sign-up, the merchant's create and import, login eligibility, the own profile. */
public final class CustomerService {
    /** What the storefront must do after sign-up before the shopper can log in, or null when nothing. */
    public record Registration(Customer customer, String nextStep) {
    }

    private final Database db;
    private final CustomerStore store;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final Clock clock;

    public CustomerService(Database db, CustomerStore store, PasswordHasher hasher, AuditLog audit, Clock clock) {
        this.db = db;
        this.store = store;
        this.hasher = hasher;
        this.audit = audit;
        this.clock = clock;
    }

    public static String normaliseEmail(String email) {
        return email.trim().toLowerCase(Locale.ROOT);
    }

    public Registration register(String tenantId, TenantSettings settings, String email, String password,
                                 ProfileInput profile, ClientInfo client) {
        var status = settings.requireActivation() ? Customer.Status.PENDING_ACTIVATION : Customer.Status.ACTIVE;
        Customer customer = insert(tenantId, email, false, status, hasher.hash(password), profile,
                (h, c) -> audit.record(h, tenantId, c.id(), AuditType.CUSTOMER_REGISTERED, client, Map.of()));
        String nextStep = settings.requireEmailVerification() ? "verify_email"
                : settings.requireActivation() ? "await_activation" : null;
        return new Registration(customer, nextStep);
    }

    /** The merchant's create or import. Exactly one of {@code password} and {@code passwordHash} is given. */
    public record NewCustomer(String email, boolean emailVerified, Customer.Status status, String password,
                              String passwordHash, ProfileInput profile) {
    }

    /** Creates a customer for the merchant; an imported hash is stored as it is and upgraded at the first login. */
    public Customer create(String tenantId, NewCustomer input, ClientInfo client) {
        String hash = input.password() != null ? hasher.hash(input.password()) : input.passwordHash();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("by", "admin");
        if (input.password() == null) {
            data.put("imported_hash", HashFormat.of(hash).map(HashFormat::wire).orElse("unknown"));
        }
        return insert(tenantId, input.email(), input.emailVerified(), input.status(), hash, input.profile(),
                (h, c) -> audit.record(h, tenantId, c.id(), AuditType.CUSTOMER_CREATED, client, data));
    }

    /** Inserts the row and, in the same transaction, whatever {@code alongside} records about it. */
    private Customer insert(String tenantId, String email, boolean verified, Customer.Status status, String hash,
                            ProfileInput profile, BiConsumer<Handle, Customer> alongside) {
        Instant now = now();
        var customer = new Customer(tenantId, Secrets.id("cus"), normaliseEmail(email), verified, status, hash,
                profile.applyTo(Customer.Profile.EMPTY, now), null, null, now, now, 1);
        try {
            db.tx(h -> {
                store.insert(h, customer);
                alongside.accept(h, customer);
                return null;
            });
        } catch (RuntimeException e) {
            if (UniqueViolation.is(e)) {
                throw emailTaken();
            }
            throw e;
        }
        return customer;
    }

    public static ApiError emailTaken() {
        return new ApiError(409, "email_taken", "An account with this email already exists.");
    }

    public Optional<Customer> findByEmail(String tenantId, String email) {
        return db.read(h -> store.findByEmail(h, tenantId, normaliseEmail(email)));
    }

    /** Only once the password was right: whether the account's state lets it log in (else the 403 of that state). */
    public void checkCanLogIn(TenantSettings settings, Customer customer) {
        if (settings.requireEmailVerification() && !customer.emailVerified()) {
            throw new ApiError(403, "email_not_verified", "The email address has not been verified yet.");
        }
        switch (customer.status()) {
            case PENDING_ACTIVATION -> throw new ApiError(403, "account_pending_activation",
                    "The account is waiting for the merchant to activate it.");
            case ON_HOLD -> throw new ApiError(403, "account_on_hold", "The account is on hold.");
            case DISABLED -> throw new ApiError(403, "account_disabled", "The account is disabled.");
            case ACTIVE -> {
                // may log in
            }
        }
    }

    /**
     * Replaces the password hash unless it changed meanwhile (a concurrent password change wins). Used to upgrade an
     * imported or outdated hash at login; returns whether it was replaced.
     */
    public boolean replacePasswordHash(String tenantId, String id, String expectedHash, String newHash) {
        return db.tx(h -> store.replacePasswordHash(h, tenantId, id, expectedHash, newHash)) == 1;
    }

    public static ApiError invalidCredentials() {
        return new ApiError(401, "invalid_credentials", "The email or password is not correct.");
    }

    public Customer get(String tenantId, String id) {
        return db.read(h -> store.find(h, tenantId, id)).orElseThrow(() -> ApiError.notFound("Customer"));
    }

    public Customer updateProfile(String tenantId, String id, ProfileInput changes, Long expectedVersion) {
        return db.tx(h -> {
            Customer current = store.find(h, tenantId, id).orElseThrow(() -> ApiError.notFound("Customer"));
            if (expectedVersion != null && expectedVersion != current.version()) {
                throw versionConflict();
            }
            Instant now = now();
            int changed = store.updateProfile(h, tenantId, id, changes.applyTo(current.profile(), now),
                    expectedVersion, now);
            if (changed == 0) {
                throw versionConflict();
            }
            return store.find(h, tenantId, id).orElseThrow();
        });
    }

    private static ApiError versionConflict() {
        return new ApiError(409, "version_conflict", "The customer was changed since you read it; read it again.");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
