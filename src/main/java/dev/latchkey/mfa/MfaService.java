package dev.latchkey.mfa;

import dev.latchkey.audit.Actor;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.auth.AccessToken;
import dev.latchkey.auth.PasswordConfirmation;
import dev.latchkey.auth.TokenService;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.lockout.LockoutService;
import dev.latchkey.mail.MailTemplate;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.verification.CustomerMail;
import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The customer's second factor: an authenticator app (TOTP) set up with the password typed again and confirmed with a
 * first code, recovery codes, turning it off, and the merchant's reset for a customer who lost their phone. A wrong
 * code where the account's owner proves who they are (turning it off, new recovery codes, a login) counts toward the
 * account's lockout as a wrong password does.
 */
public final class MfaService {
    public record Status(boolean totpEnabled, Instant enabledAt, int recoveryCodesRemaining) {
    }

    private final Database db;
    private final TenantService tenants;
    private final CustomerService customers;
    private final TokenService sessions;
    private final PasswordConfirmation passwords;
    private final LockoutService lockout;
    private final CustomerMail mail;
    private final AuditLog audit;
    private final SecondFactor factor;

    public MfaService(Database db, TenantService tenants, CustomerService customers, TokenService sessions,
                      PasswordConfirmation passwords, LockoutService lockout, CustomerMail mail, AuditLog audit,
                      SecondFactor factor) {
        this.db = db;
        this.tenants = tenants;
        this.customers = customers;
        this.sessions = sessions;
        this.passwords = passwords;
        this.lockout = lockout;
        this.mail = mail;
        this.audit = audit;
        this.factor = factor;
    }

    public Status status(String tenantId, String customerId) {
        return db.read(h -> {
            Customer customer = customers.own(h, tenantId, customerId);
            return new Status(customer.mfaEnabled(), customer.mfaEnabledAt(),
                    factor.unusedRecoveryCodes(h, tenantId, customerId));
        });
    }

    /**
     * A new seed, pending until a code of it is confirmed; it replaces one shown before and not confirmed. 409
     * {@code mfa_already_enabled} when the account has a second factor: it is turned off first. 403
     * {@code email_not_verified} while the address is unproven ({@link Customer#requireVerifiedEmail}).
     */
    public SecondFactor.Enrolment startTotp(AccessToken token, String password, ClientInfo client) {
        passwords.confirm(token, password, "mfa_enrolment", client);
        String shop = tenants.tenant(token.tenantId()).name();
        return db.tx(h -> {
            Customer locked = customers.lockOwn(h, token.tenantId(), token.customerId());
            if (locked.mfaEnabled()) {
                throw new ApiError(409, "mfa_already_enabled", "Two-step sign-in is on already; turn it off first "
                        + "to set up another authenticator.");
            }
            locked.requireVerifiedEmail("setting up two-step sign-in");
            // the shop's name as issuer, the address as label
            return factor.start(h, token.tenantId(), locked.id(), shop, locked.email());
        });
    }

    /**
     * A code of the pending seed turns the second factor on and answers the first set of recovery codes, shown only
     * now. 409 {@code mfa_not_pending} without a pending seed; 403 {@code invalid_code} for a wrong code (not counted
     * toward the lockout: only who holds the session, and so saw the seed, can confirm it); 401 {@code invalid_token}
     * when the session ended since its token was checked (a logout, a password changed on another device, the
     * merchant's revocation).
     */
    public List<String> confirmTotp(AccessToken token, String code, ClientInfo client) {
        Optional<List<String>> codes = db.tx(h -> {
            Customer customer = customers.lockOwn(h, token.tenantId(), token.customerId());
            // the second factor goes on only for a session still live: ending it (the account's lock first) waits
            sessions.requireUnended(h, token);
            if (customer.mfaEnabled()) {
                throw new ApiError(409, "mfa_already_enabled", "Two-step sign-in is on already.");
            }
            customer.requireVerifiedEmail("setting up two-step sign-in");
            Optional<List<String>> fresh = factor.confirm(h, token.tenantId(), customer.id(), code,
                    "POST /v1/me/mfa/totp");
            if (fresh.isPresent()) {
                customers.setMfaEnabled(h, customer, true);
                audit.record(h, token.tenantId(), customer.id(), AuditType.MFA_ENABLED, client,
                        Map.of("method", SecondFactor.TOTP, "session_id", token.sessionId()));
                mail.send(h, customer, customer.email(), MailTemplate.MFA_ENABLED_NOTICE, Map.of(), null);
            }
            return fresh;
        });
        return codes.orElseThrow(() -> wrongCode(token, "confirm", false, client));
    }

    /** Turns the second factor off with the password and a code (TOTP or recovery code). */
    public void disable(AccessToken token, String password, String code, ClientInfo client) {
        withSecondFactor(token, password, code, "disable", client, (h, customer) -> {
            turnOff(h, customer);
            audit.record(h, token.tenantId(), customer.id(), AuditType.MFA_DISABLED, client,
                    Map.of("session_id", token.sessionId()));
            mail.send(h, customer, customer.email(), MailTemplate.MFA_DISABLED_NOTICE, Map.of(), null);
            return null;
        });
    }

    /** A new set of recovery codes with the password and a code; the previous set is void. */
    public List<String> regenerateRecoveryCodes(AccessToken token, String password, String code, ClientInfo client) {
        return withSecondFactor(token, password, code, "recovery_codes", client, (h, customer) -> {
            List<String> fresh = factor.newRecoveryCodes(h, customer.tenantId(), customer.id());
            audit.record(h, token.tenantId(), customer.id(), AuditType.MFA_RECOVERY_CODES_REGENERATED, client,
                    Map.of("session_id", token.sessionId()));
            return fresh;
        });
    }

    private interface Change<T> {
        T apply(Handle h, Customer customer);
    }

    private record Checked<T>(boolean matched, T changed) {
    }

    private <T> T withSecondFactor(AccessToken token, String password, String code, String action, ClientInfo client,
                                   Change<T> change) {
        passwords.confirm(token, password, "mfa_" + action, client);
        Checked<T> checked = db.tx(h -> {
            Customer customer = customers.lockOwn(h, token.tenantId(), token.customerId());
            requireEnabled(customer);
            Optional<SecondFactor.Match> match = match(h, customer, code);
            if (match.isEmpty()) {
                return new Checked<T>(false, null);
            }
            use(h, customer, match.get());
            return new Checked<>(true, change.apply(h, customer));
        });
        if (!checked.matched()) {
            throw wrongCode(token, action, true, client);
        }
        return checked.changed();
    }

    /**
     * The merchant's support turns a customer's second factor off (a lost phone), after checking who asks by its own
     * means. 409 {@code mfa_not_enabled} when it is off.
     */
    public void reset(String tenantId, String customerId, Actor actor, ClientInfo client) {
        db.tx(h -> {
            Customer customer = customers.lockExisting(h, tenantId, customerId);
            requireEnabled(customer);
            turnOff(h, customer);
            audit.record(h, tenantId, customerId, AuditType.MFA_RESET, client, actor.with(Map.of()));
            mail.send(h, customer, customer.email(), MailTemplate.MFA_DISABLED_NOTICE,
                    Map.of("changed_by_shop", "yes"), null);
            return null;
        });
    }

    /**
     * The customer's second factor and its recovery codes go, in the caller's transaction, when they have one,
     * recorded as {@code mfa.reset} with the {@code reason}: the address changed hands (see
     * {@link dev.latchkey.customer.EarlierWaysIn}), which tells the new address's owner in its own notice, with the
     * other ways in that went. Whether it was on.
     */
    public boolean forget(Handle h, Customer customer, String reason, ClientInfo client) {
        if (!customer.mfaEnabled()) {
            return false;
        }
        turnOff(h, customer);
        audit.record(h, customer.tenantId(), customer.id(), AuditType.MFA_RESET, client, Map.of("reason", reason));
        return true;
    }

    private void turnOff(Handle h, Customer customer) {
        factor.delete(h, customer.tenantId(), customer.id());
        customers.setMfaEnabled(h, customer, false);
    }

    private static void requireEnabled(Customer customer) {
        if (!customer.mfaEnabled()) {
            throw new ApiError(409, "mfa_not_enabled", "Two-step sign-in is not on for this account.");
        }
    }

    /** {@link SecondFactor#match} for the account, whose row the caller holds. */
    public Optional<SecondFactor.Match> match(Handle h, Customer customer, String code) {
        return factor.match(h, customer.tenantId(), customer.id(), code);
    }

    /** Spends a matched code. */
    public void use(Handle h, Customer customer, SecondFactor.Match match) {
        factor.use(h, customer.tenantId(), customer.id(), match);
    }

    /**
     * A wrong code from the account's owner proving who they are: recorded, counted toward the lockout unless
     * {@code counted} is false, and 403 {@code invalid_code}.
     */
    private ApiError wrongCode(AccessToken token, String action, boolean counted, ClientInfo client) {
        if (counted) {
            lockout.attemptWithWrongPassword(token.tenantId(), tenants.settings(token.tenantId()), token.customerId(),
                    token.email(), client);
        }
        audit.record(token.tenantId(), token.customerId(), AuditType.MFA_CHECK_FAILED, client,
                Map.of("action", action, "reason", "wrong_code"));
        return SecondFactor.wrongCode();
    }

    /** An erasure step: the seed, the recovery codes and any login waiting for a code. */
    public void erase(Handle h, String tenantId, String customerId) {
        factor.delete(h, tenantId, customerId);
    }
}
