package dev.latchkey.auth;

import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.auth.LoginAdmission.Admission;
import dev.latchkey.auth.LoginAdmission.Method;
import dev.latchkey.auth.LoginAdmission.Proof;
import dev.latchkey.cart.GuestCart;
import dev.latchkey.credential.HashFormat;
import dev.latchkey.credential.PasswordChanges;
import dev.latchkey.credential.PasswordHasher;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.lockout.LockoutService;
import dev.latchkey.tenant.TenantSettings;
import dev.latchkey.verification.LoginCodes;
import dev.latchkey.verification.SteadyAnswer;
import org.jdbi.v3.core.Handle;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether an email and password, or an email and an emailed login code, may log in. Unknown email, wrong
 * password or code and a locked account fail alike with 401 {@code invalid_credentials}, after the same work: one
 * password verification (against a dummy hash when there is no account or no usable hash) or one code lookup, one
 * lockout transaction and one audit record. A right password or code goes on to the {@link LoginAdmission} that every
 * login passes: the account's state (403 codes) is only revealed once the password or code was right and the account
 * not locked. A correct password stored in an imported or outdated format is rehashed with
 * the current Argon2id parameters.
 */
public final class Authenticator {
    /** A {@link Proof}'s answer for a password hash that moved since it was checked. */
    private static final String MOVED = "moved";

    private final Database db;
    private final CustomerService customers;
    private final PasswordHasher hasher;
    private final LockoutService lockout;
    private final LoginCodes codes;
    private final PasswordChanges passwords;
    private final LoginAdmission admission;
    private final AuditLog audit;

    public Authenticator(Database db, CustomerService customers, PasswordHasher hasher, LockoutService lockout,
                         LoginCodes codes, PasswordChanges passwords, LoginAdmission admission, AuditLog audit) {
        this.db = db;
        this.customers = customers;
        this.hasher = hasher;
        this.lockout = lockout;
        this.codes = codes;
        this.passwords = passwords;
        this.admission = admission;
        this.audit = audit;
    }

    /**
     * Checks the email and password, then admits the account: the lockout's bookkeeping of the correct password, the
     * session with {@code guestCart} claimed (or the second factor's challenge) and its record are one transaction,
     * which holds the account's row. A refusal answers no sooner than the costliest hash the shop may have takes to
     * verify (its own cost, or an imported one's): the wait is a sleep of the request's virtual thread, after the
     * hashing thread and the database connection were given back. Each waiting refusal passed the bounded hashing
     * queue first (a full one answers 503 at once), so no more refusals wait at a time than the hashing threads get
     * through in that time.
     */
    public LoginOutcome authenticate(String tenantId, TenantSettings settings, String email, String password,
                                     GuestCart guestCart, ClientInfo client) {
        // a stored hash cheaper than the current cost (an imported one) must not answer sooner than an unknown address,
        // nor an unknown address sooner than the costliest imported hash the shop has; worked out for a refusal only,
        // so that no other answer waits for the shop's costs or their first measurement
        return SteadyAnswer.refusedNoSooner(
                () -> hasher.verificationTime(password, customers.storedPasswordCosts(tenantId)),
                () -> checkAndAdmit(tenantId, settings, email, password, guestCart, client));
    }

    private LoginOutcome checkAndAdmit(String tenantId, TenantSettings settings, String email, String password,
                                       GuestCart guestCart, ClientInfo client) {
        Optional<Customer> found = customers.findByEmail(tenantId, email);
        if (found.isEmpty()) {
            hasher.verifyDummy(password);
            lockout.attemptUnknown(tenantId);
            throw failed(tenantId, null, "unknown_email", Method.BY_PASSWORD, client);
        }
        Customer customer = found.get();
        Admission attempt = check(tenantId, settings, customer, password, guestCart, client);
        if (MOVED.equals(attempt.failure())) {
            // The hash moved between the check and the lock: a password change, or another login of the account
            // upgrading an imported hash (the same password, hashed anew). Checked once more against the hash as it
            // is now; should it move again, the login is refused.
            customer = attempt.current();
            attempt = check(tenantId, settings, customer, password, guestCart, client);
        }
        String reason = attempt.failure();
        if (reason != null) {
            if (reason.equals(LoginAdmission.ERASED)) {
                throw failed(tenantId, null, "unknown_email", Method.BY_PASSWORD, client);
            }
            throw failed(tenantId, customer.id(), reason.equals(MOVED) ? "wrong_password" : reason,
                    Method.BY_PASSWORD, client);
        }
        return attempt.admitted();
    }

    /** The password against the account's hash (a wrong one is booked and refused), then the admission. */
    private Admission check(String tenantId, TenantSettings settings, Customer customer, String password,
                            GuestCart guestCart, ClientInfo client) {
        if (!hasher.verify(password, customer.passwordHash())) {
            boolean locked = lockout.attemptWithWrongPassword(tenantId, settings, customer.id(), customer.email(),
                    client) == LockoutService.Verdict.LOCKED;
            throw failed(tenantId, customer.id(), locked ? "locked" : "wrong_password", Method.BY_PASSWORD, client);
        }
        Proof unchanged = new Proof() {
            @Override
            public String holds(Handle h, Customer current) {
                return Objects.equals(current.passwordHash(), customer.passwordHash()) ? null : MOVED;
            }

            @Override
            public void committed() {
                upgradeHash(tenantId, customer, password, client);
            }
        };
        return admission.admit(tenantId, settings, customer.id(), Method.BY_PASSWORD, unchanged, guestCart, client);
    }

    /**
     * As {@link #authenticate}, with the code mailed to the address instead of a password. The code is checked and
     * used up under the account's row lock, in the login's transaction: a right code is spent whatever the answer
     * after it (the lockout's 401, a 403). It proves the address, which becomes verified as by a verification link (so
     * {@code email_not_verified} never answers it), unless the account is on hold or disabled: that answers its 403
     * and leaves the address as it was. A wrong code counts towards the lockout as a wrong password does.
     */
    public LoginOutcome authenticateWithCode(String tenantId, TenantSettings settings, String email, String code,
                                             GuestCart guestCart, ClientInfo client) {
        Optional<Customer> found = customers.findByEmail(tenantId, email);
        if (found.isEmpty()) {
            db.run(h -> codes.decoy(h, tenantId, email, code));
            lockout.attemptUnknown(tenantId);
            throw failed(tenantId, null, "unknown_email", Method.BY_CODE, client);
        }
        Customer customer = found.get();
        Proof mailed = new Proof() {
            @Override
            public String holds(Handle h, Customer current) {
                return switch (codes.use(h, tenantId, current.id(), current.email(), code)) {
                    case USED -> null;
                    case WRONG -> "wrong_code";
                    case NONE -> "no_code";
                };
            }

            @Override
            public Customer proven(Handle h, Customer current) {
                if (CustomerService.isStopped(current)) {
                    if (current.mfaEnabled()) {
                        return current; // its 403 answers after the second factor, the address stays as it was
                    }
                    CustomerService.requireNotStopped(current);
                }
                if (current.emailVerified()) {
                    return current;
                }
                passwords.forgetUnproven(h, current, client);
                return customers.markEmailVerified(h, current, client);
            }
        };
        Admission attempt = admission.admit(tenantId, settings, customer.id(), Method.BY_CODE, mailed, guestCart,
                client);
        String reason = attempt.failure();
        if (reason == null) {
            return attempt.admitted();
        }
        if (reason.equals(LoginAdmission.ERASED)) {
            throw failed(tenantId, null, "unknown_email", Method.BY_CODE, client);
        }
        if (!reason.equals("locked") && lockout.attemptWithWrongPassword(tenantId, settings, customer.id(),
                customer.email(), client) == LockoutService.Verdict.LOCKED) {
            reason = "locked";
        }
        throw failed(tenantId, customer.id(), reason, Method.BY_CODE, client);
    }

    private ApiError failed(String tenantId, String customerId, String reason, Method method, ClientInfo client) {
        audit.record(tenantId, customerId, AuditType.LOGIN_FAILED, client, method.recorded("reason", reason));
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
