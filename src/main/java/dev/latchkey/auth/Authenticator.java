package dev.latchkey.auth;

import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.credential.HashFormat;
import dev.latchkey.credential.PasswordHasher;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.lockout.LockoutService;
import dev.latchkey.lockout.LockoutStore;
import dev.latchkey.tenant.TenantSettings;
import org.jdbi.v3.core.Handle;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Decides whether an email and password may log in. Unknown email, wrong password and a locked account fail alike
 * with 401 {@code invalid_credentials}, after the same work: one password verification (against a dummy hash when
 * there is no account or no usable hash), one lockout transaction and one audit record. The account's state (403
 * codes) is only revealed once the password was right and the account not locked. A correct password stored in an
 * imported or outdated format is rehashed with the current Argon2id parameters.
 */
public final class Authenticator {
    private final Database db;
    private final CustomerService customers;
    private final PasswordHasher hasher;
    private final LockoutService lockout;
    private final AuditLog audit;

    public Authenticator(Database db, CustomerService customers, PasswordHasher hasher, LockoutService lockout,
                         AuditLog audit) {
        this.db = db;
        this.customers = customers;
        this.hasher = hasher;
        this.lockout = lockout;
        this.audit = audit;
    }

    /**
     * How a correct password's transaction ended: the caller's work done, a refusal to answer after it, or the account
     * whose password hash moved after it was checked.
     */
    private record Admission<T>(T admitted, String failure, ApiError refused, Customer moved) {
        static <T> Admission<T> failure(String reason) {
            return new Admission<>(null, reason, null, null);
        }
    }

    /**
     * Checks the email and password, then runs {@code loggedIn} (opening the session) in the same transaction as the
     * lockout's bookkeeping of the correct password: a login is one transaction, which holds the account's row and
     * hands {@code loggedIn} the account as that lock found it.
     */
    public <T> T authenticate(String tenantId, TenantSettings settings, String email, String password,
                              ClientInfo client, BiFunction<Handle, Customer, T> loggedIn) {
        Optional<Customer> found = customers.findByEmail(tenantId, email);
        if (found.isEmpty()) {
            hasher.verifyDummy(password);
            lockout.attemptUnknown(tenantId);
            throw failed(tenantId, null, "unknown_email", client);
        }
        Customer customer = found.get();
        Admission<T> admission = check(tenantId, settings, customer, password, client, loggedIn);
        if (admission.moved() != null) {
            // The hash moved between the check and the lock: a password change, or another login of the account
            // upgrading an imported hash (the same password, hashed anew). Checked once more against the hash as it
            // is now; should it move again, the login is refused.
            customer = admission.moved();
            admission = check(tenantId, settings, customer, password, client, loggedIn);
        }
        if (admission.failure() != null || admission.moved() != null) {
            String reason = admission.moved() != null ? "wrong_password" : admission.failure();
            throw failed(tenantId, reason.equals("unknown_email") ? null : customer.id(), reason, client);
        }
        upgradeHash(tenantId, customer, password, client);
        if (admission.refused() != null) {
            audit.record(tenantId, customer.id(), AuditType.LOGIN_FAILED, client,
                    Map.of("reason", admission.refused().code()));
            throw admission.refused();
        }
        return admission.admitted();
    }

    /** The password against the account's hash (a wrong one is booked and refused), then the admitting transaction. */
    private <T> Admission<T> check(String tenantId, TenantSettings settings, Customer customer, String password,
                                   ClientInfo client, BiFunction<Handle, Customer, T> loggedIn) {
        if (!hasher.verify(password, customer.passwordHash())) {
            boolean locked = lockout.attemptWithWrongPassword(tenantId, settings, customer.id(), customer.email(),
                    client) == LockoutService.Verdict.LOCKED;
            throw failed(tenantId, customer.id(), locked ? "locked" : "wrong_password", client);
        }
        return db.tx(h -> admit(h, tenantId, settings, customer, loggedIn));
    }

    /**
     * Under the row lock that a password change and the merchant's status change also take: a login either commits
     * before them (and its session is ended by them) or sees what they wrote.
     */
    private <T> Admission<T> admit(Handle h, String tenantId, TenantSettings settings, Customer checked,
                                   BiFunction<Handle, Customer, T> loggedIn) {
        var locked = customers.lock(h, tenantId, checked.id(), LockoutStore::state).orElse(null);
        if (locked == null) {
            return Admission.failure("unknown_email"); // erased meanwhile
        }
        Customer current = locked.customer();
        if (!Objects.equals(current.passwordHash(), checked.passwordHash())) {
            return new Admission<>(null, null, null, current);
        }
        if (lockout.attemptWithCorrectPassword(h, tenantId, settings, current.id(), locked.alongside())
                != LockoutService.Verdict.ALLOWED) {
            return Admission.failure("locked");
        }
        try {
            if (!current.mfaEnabled()) {
                // with a second factor the account's state is told once that is given too (LoginCompletion)
                customers.checkCanLogIn(settings, current);
            }
        } catch (ApiError refused) {
            return new Admission<>(null, null, refused, null);
        }
        return new Admission<>(loggedIn.apply(h, current), null, null, null);
    }

    private ApiError failed(String tenantId, String customerId, String reason, ClientInfo client) {
        audit.record(tenantId, customerId, AuditType.LOGIN_FAILED, client, Map.of("reason", reason));
        return CustomerService.invalidCredentials();
    }

    /**
     * The plain password is at hand only now, at a successful login: the moment to move it to the current hash. The
     * login has committed by then, so a hashing queue too full for the rehash leaves it to a later login rather than
     * answering 503 for a session that exists.
     */
    private void upgradeHash(String tenantId, Customer customer, String password, ClientInfo client) {
        String stored = customer.passwordHash();
        if (!hasher.needsRehash(stored)) {
            return;
        }
        Optional<String> rehashed = hasher.hashUnlessBusy(password);
        if (rehashed.isPresent() && customers.replacePasswordHash(tenantId, customer.id(), stored, rehashed.get())) {
            audit.record(tenantId, customer.id(), AuditType.PASSWORD_REHASHED, client, Map.of(
                    "from", HashFormat.of(stored).map(HashFormat::wire).orElse("unknown"), "to", "argon2id"));
        }
    }
}
