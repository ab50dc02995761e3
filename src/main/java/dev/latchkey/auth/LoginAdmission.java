package dev.latchkey.auth;

import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.cart.GuestCart;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.lockout.LockoutService;
import dev.latchkey.lockout.LockoutStore;
import dev.latchkey.tenant.TenantSettings;
import org.jdbi.v3.core.Handle;

import java.util.HashMap;
import java.util.Map;

/**
 * The admission of every login whose credential checked out (a password, an emailed code, a passkey), in one
 * transaction under the account's row lock, which a password change and the merchant's status change also take: a
 * login either commits before them (and its session is ended by them) or sees what they wrote. Under the lock, the
 * credential's own proof for the account as the lock found it, the lockout's verdict, the account's state (its 403
 * answers), then {@link #letIn}: the session or the second factor's challenge, and the login's success record. A
 * refused account state is recorded after the transaction and thrown; any other failure comes back as its reason, for
 * the way of logging in to answer and record as it does.
 */
public final class LoginAdmission {
    /** The failure of an account erased between the credential's check and the lock. */
    public static final String ERASED = "erased";
    private static final String PASSWORD = "password";

    /**
     * A way of logging in: {@code name} is the first factor that a second factor's challenge remembers, and the
     * {@code method} of the login's records except for a password's, which names none; {@code detail} goes into every
     * record of the login the admission writes. A way that {@code provesBoth} factors (a passkey verified with user
     * verification) is never asked for the second one: it is refused while locked and clears the failures as a
     * completed login does, and the account's state answers at once.
     */
    public record Method(String name, Map<String, String> detail, boolean provesBoth) {
        public static final Method BY_PASSWORD = new Method(PASSWORD, Map.of(), false);
        public static final Method BY_CODE = new Method("code", Map.of(), false);

        /** What the login's records say of it, with {@code key} and {@code value} added. */
        public Map<String, String> recorded(String key, String value) {
            Map<String, String> data = new HashMap<>(detail);
            if (!name.equals(PASSWORD)) {
                data.put("method", name);
            }
            data.put(key, value);
            return data;
        }
    }

    /** What the credential shows for the account, looked at under the account's row lock. */
    public interface Proof {
        /** Null when it holds for the account as the lock found it; else the failure's reason. */
        String holds(Handle h, Customer current);

        /** Once the lockout let the login through: the account as it logs in, or the 403 it answers instead. */
        default Customer proven(Handle h, Customer current) {
            return current;
        }

        /**
         * Once the transaction committed with the proof held and the lockout's leave, whatever the account's state
         * answered: what the credential does only outside the login's transaction (a password's rehash).
         */
        default void committed() {
        }
    }

    /**
     * How the admission ended: the login's answer, or the failure's reason with the account as the lock found it
     * (none when {@link #ERASED}).
     */
    public record Admission(LoginOutcome admitted, String failure, Customer current) {
        static Admission failed(String reason, Customer current) {
            return new Admission(null, reason, current);
        }
    }

    private record Ended(Admission admission, ApiError refused) {
    }

    private final Database db;
    private final CustomerService customers;
    private final LockoutService lockout;
    private final LoginCompletion completion;
    private final AuditLog audit;

    public LoginAdmission(Database db, CustomerService customers, LockoutService lockout, LoginCompletion completion,
                          AuditLog audit) {
        this.db = db;
        this.customers = customers;
        this.lockout = lockout;
        this.completion = completion;
        this.audit = audit;
    }

    /**
     * Admits {@code customerId}, whose credential {@code proof} checks once more under the lock, in the transaction
     * that books the lockout's verdict of a right credential and opens the session: what the proof writes commits
     * whatever the answer after it (the lockout's 401, a 403). A 403 is recorded as {@code login.failed} with the
     * method and thrown, after the proof's {@link Proof#committed} work.
     */
    public Admission admit(String tenantId, TenantSettings settings, String customerId, Method method, Proof proof,
                           GuestCart guestCart, ClientInfo client) {
        Ended ended = db.tx(h -> admit(h, tenantId, settings, customerId, method, proof, guestCart, client));
        if (ended.admission().failure() == null) {
            proof.committed();
        }
        if (ended.refused() != null) {
            audit.record(tenantId, customerId, AuditType.LOGIN_FAILED, client,
                    method.recorded("reason", ended.refused().code()));
            throw ended.refused();
        }
        return ended.admission();
    }

    private Ended admit(Handle h, String tenantId, TenantSettings settings, String customerId, Method method,
                        Proof proof, GuestCart guestCart, ClientInfo client) {
        var locked = customers.lock(h, tenantId, customerId, LockoutStore::state).orElse(null);
        if (locked == null) {
            return new Ended(Admission.failed(ERASED, null), null);
        }
        Customer current = locked.customer();
        String unproven = proof.holds(h, current);
        if (unproven != null) {
            return new Ended(Admission.failed(unproven, current), null);
        }
        LockoutService.Verdict verdict = secondFactorDue(current, method)
                ? lockout.attemptWithFirstFactor(locked.alongside())
                : lockout.attemptWithCorrectPassword(h, tenantId, settings, current.id(), locked.alongside());
        if (verdict != LockoutService.Verdict.ALLOWED) {
            return new Ended(Admission.failed("locked", current), null);
        }
        Customer admitted;
        try {
            admitted = proof.proven(h, current);
            if (!secondFactorDue(admitted, method)) {
                // with a second factor the account's state is told once that is given too (LoginCompletion)
                customers.checkCanLogIn(settings, admitted);
            }
        } catch (ApiError refused) {
            return new Ended(new Admission(null, null, current), refused);
        }
        return new Ended(new Admission(letIn(h, settings, admitted, method, guestCart, client), null, current), null);
    }

    /**
     * In the caller's transaction, for an account that may log in: the session with {@code guestCart} claimed and its
     * {@code login.succeeded} record, or the challenge for the second factor when the account has one that the method
     * did not prove (recorded when that completes the login).
     */
    public LoginOutcome letIn(Handle h, TenantSettings settings, Customer customer, Method method,
                              GuestCart guestCart, ClientInfo client) {
        LoginOutcome outcome = method.provesBoth() ? completion.open(h, settings, customer, guestCart, client)
                : completion.finish(h, settings, customer, guestCart, client, method.name());
        if (outcome instanceof AuthResult session) {
            audit.record(h, customer.tenantId(), customer.id(), AuditType.LOGIN_SUCCEEDED, client,
                    method.recorded("session_id", session.sessionId()));
        }
        return outcome;
    }

    private static boolean secondFactorDue(Customer customer, Method method) {
        return customer.mfaEnabled() && !method.provesBoth();
    }
}
