package dev.latchkey.auth;

import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.credential.HashFormat;
import dev.latchkey.credential.PasswordHasher;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.lockout.LockoutService;
import dev.latchkey.tenant.TenantSettings;

import java.util.Map;
import java.util.Optional;

/**
 * Decides whether an email and password may log in. Unknown email, wrong password and a locked account fail alike
 * with 401 {@code invalid_credentials}, after the same work: one password verification (against a dummy hash when
 * there is no account or no usable hash), one lockout transaction and one audit record. The account's state (403
 * codes) is only revealed once the password was right. A correct password stored in an imported or outdated format
 * is rehashed with the current Argon2id parameters.
 */
public final class Authenticator {
    private final CustomerService customers;
    private final PasswordHasher hasher;
    private final LockoutService lockout;
    private final AuditLog audit;

    public Authenticator(CustomerService customers, PasswordHasher hasher, LockoutService lockout, AuditLog audit) {
        this.customers = customers;
        this.hasher = hasher;
        this.lockout = lockout;
        this.audit = audit;
    }

    public Customer authenticate(String tenantId, TenantSettings settings, String email, String password,
                                 ClientInfo client) {
        Optional<Customer> found = customers.findByEmail(tenantId, email);
        if (found.isEmpty()) {
            hasher.verifyDummy(password);
            lockout.attemptUnknown(tenantId);
            throw failed(tenantId, null, "unknown_email", client);
        }
        Customer customer = found.get();
        boolean passwordOk = hasher.verify(password, customer.passwordHash());
        switch (lockout.attempt(tenantId, settings, customer.id(), customer.email(), passwordOk, client)) {
            case LOCKED -> throw failed(tenantId, customer.id(), "locked", client);
            case WRONG_PASSWORD -> throw failed(tenantId, customer.id(), "wrong_password", client);
            case ALLOWED -> upgradeHash(tenantId, customer, password, client);
        }
        try {
            customers.checkCanLogIn(settings, customer);
        } catch (ApiError refused) {
            audit.record(tenantId, customer.id(), AuditType.LOGIN_FAILED, client, Map.of("reason", refused.code()));
            throw refused;
        }
        return customer;
    }

    private ApiError failed(String tenantId, String customerId, String reason, ClientInfo client) {
        audit.record(tenantId, customerId, AuditType.LOGIN_FAILED, client, Map.of("reason", reason));
        return CustomerService.invalidCredentials();
    }

    /** The plain password is at hand only now, at a successful login: the moment to move it to the current hash. */
    private void upgradeHash(String tenantId, Customer customer, String password, ClientInfo client) {
        String stored = customer.passwordHash();
        if (!hasher.needsRehash(stored)) {
            return;
        }
        if (customers.replacePasswordHash(tenantId, customer.id(), stored, hasher.hash(password))) {
            audit.record(tenantId, customer.id(), AuditType.PASSWORD_REHASHED, client, Map.of(
                    "from", HashFormat.of(stored).map(HashFormat::wire).orElse("unknown"), "to", "argon2id"));
        }
    }
}
