package dev.latchkey.auth;

import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.credential.HashFormat;
import dev.latchkey.credential.PasswordChanges;
import dev.latchkey.credential.PasswordHasher;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.lockout.LockoutService;
import dev.latchkey.lockout.LockoutStore;
import dev.latchkey.tenant.TenantSettings;
import dev.latchkey.verification.LoginCodes;
import org.jdbi.v3.core.Handle;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Decides whether an email and password, or an email and an emailed login code, may log in. Unknown email, wrong
 * password or code and a locked account fail alike with 401 {@code invalid_credentials}, after the same work: one
 * password verification (against a dummy hash when there is no account or no usable hash) or one code lookup, one
 * lockout transaction and one audit record. The account's state (403 codes) is only revealed once the password or code
 * was right and the account not locked. A correct password stored in an imported or outdated format is rehashed with
 * the current Argon2id parameters.
 */
public final class Authenticator {
    /** What the audit records of a login with an emailed code say beyond a password login's. */
    private static final Map<String, String> BY_CODE = Map.of("method", "code");
    private static final Map<String, String> BY_PASSWORD = Map.of();
    /** A {@link Proof}'s answer for a password hash that moved since it was checked. */
    private static final String MOVED = "moved";

    private final Database db;
    private final CustomerService customers;
    private final PasswordHasher hasher;
    private final LockoutService lockout;
    private final LoginCodes codes;
    private final PasswordChanges passwords;
    private final AuditLog audit;

    public Authenticator(Database db, CustomerService customers, PasswordHasher hasher, LockoutService lockout,
                         LoginCodes codes, PasswordChanges passwords, AuditLog audit) {
        this.db = db;
        this.customers = customers;
        this.hasher = hasher;
        this.lockout = lockout;
        this.codes = codes;
        this.passwords = passwords;
        this.audit = audit;
    }

    /**
     * How a login's transaction ended: the caller's work done, a failure's reason, a refusal to answer after a correct
     * password or code, or the account whose password hash moved after it was checked.
     */
    private record Admission<T>(T admitted, String failure, ApiError refused, Customer moved) {
        static <T> Admission<T> failure(String reason) {
            return new Admission<>(null, reason, null, null);
        }
    }

    /** What a login shows for the account, looked at under the account's row lock. */
    private interface Proof {
        /** Null when it holds for the account as the lock found it; else the failure's reason, or {@link #MOVED}. */
        String holds(Handle h, Customer current);

        /** Once the lockout let the login through: the account as it logs in, or the 403 it answers instead. */
        default Customer proven(Handle h, Customer current) {
            return current;
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
            throw failed(tenantId, null, "unknown_email", BY_PASSWORD, client);
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
            throw failed(tenantId, reason.equals("unknown_email") ? null : customer.id(), reason, BY_PASSWORD, client);
        }
        upgradeHash(tenantId, customer, password, client);
        return admitted(tenantId, customer, admission, BY_PASSWORD, client);
    }

    /** The password against the account's hash (a wrong one is booked and refused), then the admitting transaction. */
    private <T> Admission<T> check(String tenantId, TenantSettings settings, Customer customer, String password,
                                   ClientInfo client, BiFunction<Handle, Customer, T> loggedIn) {
        if (!hasher.verify(password, customer.passwordHash())) {
            boolean locked = lockout.attemptWithWrongPassword(tenantId, settings, customer.id(), customer.email(),
                    client) == LockoutService.Verdict.LOCKED;
            throw failed(tenantId, customer.id(), locked ? "locked" : "wrong_password", BY_PASSWORD, client);
        }
        Proof unchanged = (h, current) -> Objects.equals(current.passwordHash(), customer.passwordHash())
                ? null : MOVED;
        return db.tx(h -> admit(h, tenantId, settings, customer.id(), unchanged, loggedIn));
    }

    /**
     * As {@link #authenticate}, with the code mailed to the address instead of a password. The code is checked and
     * used up under the account's row lock, in the login's transaction: a right code is spent whatever the answer
     * after it (the lockout's 401, a 403). It proves the address, which becomes verified as by a verification link (so
     * {@code email_not_verified} never answers it), unless the account is on hold or disabled: that answers its 403
     * and leaves the address as it was. A wrong code counts towards the lockout as a wrong password does.
     */
    public <T> T authenticateWithCode(String tenantId, TenantSettings settings, String email, String code,
                                      ClientInfo client, BiFunction<Handle, Customer, T> loggedIn) {
        Optional<Customer> found = customers.findByEmail(tenantId, email);
        if (found.isEmpty()) {
            db.run(h -> codes.decoy(h, tenantId, email, code));
            lockout.attemptUnknown(tenantId);
            throw failed(tenantId, null, "unknown_email", BY_CODE, client);
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
        Admission<T> admission = db.tx(h -> admit(h, tenantId, settings, customer.id(), mailed, loggedIn));
        String reason = admission.failure();
        if (reason == null) {
            return admitted(tenantId, customer, admission, BY_CODE, client);
        }
        if (reason.equals("unknown_email")) {
            throw failed(tenantId, null, reason, BY_CODE, client);
        }
        if (!reason.equals("locked") && lockout.attemptWithWrongPassword(tenantId, settings, customer.id(),
                customer.email(), client) == LockoutService.Verdict.LOCKED) {
            reason = "locked";
        }
        throw failed(tenantId, customer.id(), reason, BY_CODE, client);
    }

    /**
     * Under the row lock that a password change and the merchant's status change also take: a login either commits
     * before them (and its session is ended by them) or sees what they wrote.
     */
    private <T> Admission<T> admit(Handle h, String tenantId, TenantSettings settings, String customerId, Proof proof,
                                   BiFunction<Handle, Customer, T> loggedIn) {
        var locked = customers.lock(h, tenantId, customerId, LockoutStore::state).orElse(null);
        if (locked == null) {
            return Admission.failure("unknown_email"); // erased meanwhile
        }
        Customer current = locked.customer();
        String unproven = proof.holds(h, current);
        if (MOVED.equals(unproven)) {
            return new Admission<>(null, null, null, current);
        }
        if (unproven != null) {
            return Admission.failure(unproven);
        }
        LockoutService.Verdict verdict = current.mfaEnabled() ? lockout.attemptWithFirstFactor(locked.alongside())
                : lockout.attemptWithCorrectPassword(h, tenantId, settings, current.id(), locked.alongside());
        if (verdict != LockoutService.Verdict.ALLOWED) {
            return Admission.failure("locked");
        }
        Customer admitted;
        try {
            admitted = proof.proven(h, current);
            if (!admitted.mfaEnabled()) {
                // with a second factor the account's state is told once that is given too (LoginCompletion)
                customers.checkCanLogIn(settings, admitted);
            }
        } catch (ApiError refused) {
            return new Admission<>(null, null, refused, null);
        }
        return new Admission<>(loggedIn.apply(h, admitted), null, null, null);
    }

    /** The caller's work, or the recorded refusal of an account that may not log in. */
    private <T> T admitted(String tenantId, Customer customer, Admission<T> admission, Map<String, String> how,
                           ClientInfo client) {
        if (admission.refused() != null) {
            audit.record(tenantId, customer.id(), AuditType.LOGIN_FAILED, client,
                    with(how, admission.refused().code()));
            throw admission.refused();
        }
        return admission.admitted();
    }

    private ApiError failed(String tenantId, String customerId, String reason, Map<String, String> how,
                            ClientInfo client) {
        audit.record(tenantId, customerId, AuditType.LOGIN_FAILED, client, with(how, reason));
        return CustomerService.invalidCredentials();
    }

    private static Map<String, String> with(Map<String, String> how, String reason) {
        Map<String, String> data = new HashMap<>(how);
        data.put("reason", reason);
        return data;
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
