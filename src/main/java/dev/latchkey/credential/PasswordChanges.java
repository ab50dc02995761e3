package dev.latchkey.credential;

import dev.latchkey.auth.TokenService;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.mail.MailTemplate;
import dev.latchkey.verification.CustomerMail;
import dev.latchkey.verification.EmailTokens;
import dev.latchkey.verification.TokenPurpose;
import org.jdbi.v3.core.Handle;

import java.util.Map;

/**
 * What every password change does, whoever asks for it (reset, the shopper, later the merchant), in the caller's
 * transaction: the new hash, the lockout ended, every outstanding reset link withdrawn, the other sessions ended and a
 * notice to the account's address.
 */
public final class PasswordChanges {
    private final CustomerService customers;
    private final EmailTokens tokens;
    private final TokenService sessions;
    private final CustomerMail mail;

    public PasswordChanges(CustomerService customers, EmailTokens tokens, TokenService sessions, CustomerMail mail) {
        this.customers = customers;
        this.tokens = tokens;
        this.sessions = sessions;
        this.mail = mail;
    }

    /** {@code keepSessionId} (nullable) survives; {@code emailProven} when the change came through an emailed token. */
    public void apply(Handle h, Customer customer, String passwordHash, boolean emailProven, String keepSessionId) {
        customers.setPassword(h, customer, passwordHash, emailProven);
        tokens.voidOutstanding(h, customer.tenantId(), customer.id(), TokenPurpose.PASSWORD_RESET);
        sessions.revokeCustomerSessions(h, customer.tenantId(), customer.id(), keepSessionId);
        mail.send(h, customer, customer.email(), MailTemplate.PASSWORD_CHANGED_NOTICE, Map.of(), null);
    }
}
