package dev.latchkey.credential;

import dev.latchkey.auth.TokenService;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.customer.EarlierWaysIn;
import dev.latchkey.mail.MailTemplate;
import dev.latchkey.verification.CustomerMail;
import dev.latchkey.verification.EmailTokens;
import dev.latchkey.verification.TokenPurpose;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.lockout.LockoutService;
import dev.latchkey.tenant.TenantSettings;
import org.jdbi.v3.core.Handle;

import java.util.Map;

/**
 * What every password change does, whoever asks for it (reset, the shopper, later the merchant), in the caller's
 * transaction: the new hash, the lockout ended (except by the reset of an account with two-step sign-in), every
 * outstanding reset and email-change link and login code withdrawn, the other sessions ended and a notice to the
 * account's address.
 */
public final class PasswordChanges {
    private final CustomerService customers;
    private final EmailTokens tokens;
    private final TokenService sessions;
    private final CustomerMail mail;
    private final PasswordPolicy policy;
    private final LockoutService lockout;
    private final AuditLog audit;
    private final EarlierWaysIn earlierWaysIn;

    public PasswordChanges(CustomerService customers, EmailTokens tokens, TokenService sessions, CustomerMail mail,
                           PasswordPolicy policy, LockoutService lockout, AuditLog audit, EarlierWaysIn earlierWaysIn) {
        this.customers = customers;
        this.tokens = tokens;
        this.sessions = sessions;
        this.mail = mail;
        this.policy = policy;
        this.lockout = lockout;
        this.audit = audit;
        this.earlierWaysIn = earlierWaysIn;
    }

    /** The policy's personal-information rule needs the account, so it is checked here, once the account is known. */
    public void checkPolicy(String field, String password, TenantSettings settings, Customer customer) {
        policy.enforce(field, password, settings, new PasswordPolicy.Person(customer.email(),
                customer.profile().firstName(), customer.profile().lastName()));
    }

    /** {@code keepSessionId} (nullable) survives; {@code emailProven} when the change came through an emailed token. */
    public void apply(Handle h, Customer customer, String passwordHash, boolean emailProven, String keepSessionId,
                      ClientInfo client) {
        // a reset link that is the address's first proof ends the earlier ways in as a login code's does (the
        // password it replaces anyway), the second factor with them
        boolean firstProof = emailProven && !customer.emailVerified();
        if (firstProof) {
            earlierWaysIn.forget(h, customer, "address_proven_by_password_reset", client);
        }
        // The lockout before the password: its audit event must still see whether the account was locked. A reset
        // link is only the first factor of an account with two-step sign-in: cleared by it, the wrong codes counted
        // would let whoever reads the mailbox guess codes afresh after every reset; a completed login clears them.
        if (!(emailProven && customer.mfaEnabled() && !firstProof)) {
            lockout.clear(h, customer.tenantId(), customer.id(), emailProven
                    ? LockoutService.UnlockReason.PASSWORD_RESET : LockoutService.UnlockReason.PASSWORD_CHANGE, client);
        }
        customers.setPassword(h, customer, passwordHash, emailProven, client);
        audit.record(h, customer.tenantId(), customer.id(),
                emailProven ? AuditType.PASSWORD_RESET : AuditType.PASSWORD_CHANGED, client,
                Map.of("other_sessions_revoked", true));
        tokens.voidOutstanding(h, customer.tenantId(), customer.id(), TokenPurpose.PASSWORD_RESET);
        // An email change asked for with the old password would hand the account to whoever asked: a new password
        // is how an owner takes the account back, so it withdraws that too.
        tokens.voidOutstanding(h, customer.tenantId(), customer.id(), TokenPurpose.EMAIL_CHANGE);
        // a code someone asked for while they could read the mailbox must not log them in after the owner acted
        tokens.voidOutstanding(h, customer.tenantId(), customer.id(), TokenPurpose.LOGIN_CODE);
        sessions.revokeCustomerSessions(h, customer.tenantId(), customer.id(), keepSessionId);
        mail.send(h, customer, customer.email(), MailTemplate.PASSWORD_CHANGED_NOTICE, Map.of(), null);
    }

    /**
     * In the caller's transaction, when a login code proves the account's address for the first time: whoever held
     * the account before may not own the address (an account set up in someone else's name, or moved by the shop to an
     * address nobody had proven, waiting for the owner to collect what it then holds: guest orders, addresses). Every
     * way in they hold ends: the password, the sessions, the links mailed meanwhile and the earlier ways in that do
     * not go through the address ({@link EarlierWaysIn}), each recorded with the reason; the owner logs in with codes
     * or sets a password with the reset mail. The lockout is cleared as a reset link's first proof clears it: the
     * failures and earlier locks counted are the previous holder's (wrong codes of the second factor this drops
     * included, which a login with a second factor due left counted), and would otherwise lock the owner out at their
     * first slip, and for longer.
     */
    public void forgetUnproven(Handle h, Customer customer, ClientInfo client) {
        String reason = "address_proven_by_code";
        // the grants first: ended with the sessions below they would go unrecorded as agent.revoked
        earlierWaysIn.forget(h, customer, reason, client);
        lockout.clear(h, customer.tenantId(), customer.id(), LockoutService.UnlockReason.ADDRESS_PROVEN_BY_CODE,
                client);
        if (customer.passwordHash() != null) {
            customers.setPassword(h, customer, null, false, client);
            audit.record(h, customer.tenantId(), customer.id(), AuditType.PASSWORD_REMOVED, client,
                    Map.of("reason", reason, "other_sessions_revoked", true));
        }
        tokens.voidOutstanding(h, customer.tenantId(), customer.id(), TokenPurpose.PASSWORD_RESET);
        tokens.voidOutstanding(h, customer.tenantId(), customer.id(), TokenPurpose.EMAIL_CHANGE);
        // the logins waiting for the previous holder's second factor end with the sessions
        sessions.revokeCustomerSessions(h, customer.tenantId(), customer.id(), null);
    }
}
