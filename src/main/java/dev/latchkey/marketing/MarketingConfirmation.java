package dev.latchkey.marketing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.customer.CustomerView;
import dev.latchkey.customer.MarketingConsentListener;
import dev.latchkey.db.Database;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.mail.MailTemplate;
import dev.latchkey.mail.SecretLink;
import dev.latchkey.tenant.TenantSettings;
import dev.latchkey.verification.CustomerMail;
import dev.latchkey.verification.EmailTokens;
import dev.latchkey.verification.TokenPurpose;
import org.jdbi.v3.core.Handle;

import java.time.Duration;
import java.util.Map;

/**
 * The double opt-in of marketing email: a shopper's tick leaves the consent pending and mails a single-use link, built
 * and throttled as the verification mail's ({@code verification_ttl}, {@code email_interval}); opening it subscribes
 * them with a {@code confirmed_opt_in}. The merchant's decision while pending withdraws the link. The shopper's own
 * untick only makes it refused while the consent is not pending: a tick again mails a new link that takes the place of
 * the earlier ones, or, within the interval, mails none and leaves the one sent moments ago working, which the
 * shopper has in their inbox.
 */
public final class MarketingConfirmation implements MarketingConsentListener {
    private final Database db;
    private final CustomerService customers;
    private final EmailTokens tokens;
    private final CustomerMail mail;
    private final AuditLog audit;
    private final ObjectMapper mapper;

    public MarketingConfirmation(Database db, CustomerService customers, EmailTokens tokens, CustomerMail mail,
                                 AuditLog audit, ObjectMapper mapper) {
        this.db = db;
        this.customers = customers;
        this.tokens = tokens;
        this.mail = mail;
        this.audit = audit;
        this.mapper = mapper;
    }

    /**
     * Mails the link unless a confirmation went to the address within {@code email_interval}: a tick repeated while
     * pending, or an untick and a tick again, asks again, and must not flood the address. A new request's mail
     * withdraws the links of the requests before it, which the shopper unticked; held back, it leaves them as they are,
     * so that the link mailed within the interval subscribes the shopper now that the consent is pending again.
     * Recorded as {@code customer.marketing_consent_requested} ({@code throttled: true} when the mail was held back),
     * never with the token.
     */
    @Override
    public void confirmationRequested(Handle h, TenantSettings settings, Customer customer, boolean again,
                                      String linkBase, ClientInfo client) {
        boolean throttled = tokens.throttled(h, customer.tenantId(), TokenPurpose.MARKETING_CONFIRMATION,
                customer.email(), settings.emailInterval());
        if (!throttled) {
            if (!again) {
                tokens.voidOutstanding(h, customer.tenantId(), customer.id(), TokenPurpose.MARKETING_CONFIRMATION);
            }
            String token = tokens.issue(h, customer.tenantId(), customer.id(), TokenPurpose.MARKETING_CONFIRMATION,
                    customer.email(), settings.verificationTtl());
            mail.send(h, customer, customer.email(), MailTemplate.MARKETING_CONFIRMATION, Map.of(),
                    new SecretLink(linkBase, token, Duration.ofSeconds(settings.verificationTtl())));
        }
        audit.record(h, customer.tenantId(), customer.id(), AuditType.CUSTOMER_MARKETING_CONSENT_REQUESTED, client,
                throttled ? Map.of("throttled", true) : Map.of());
    }

    @Override
    public void requestEnded(Handle h, Customer customer) {
        tokens.voidOutstanding(h, customer.tenantId(), customer.id(), TokenPurpose.MARKETING_CONFIRMATION);
    }

    /**
     * Uses a confirmation token: the customer is subscribed. Refused as a verification token is (400
     * {@code invalid_token}, {@code token_used}, {@code token_expired}); a token of an address the account no longer
     * has, or of a request no longer pending, is invalid. An account on hold or disabled answers 403 as its
     * verification does and keeps the token for when it is active again: the merchant stopped the account, and a
     * shopper it stopped must not change what it holds of them meanwhile.
     */
    public CustomerView confirm(String tenantId, String rawToken, ClientInfo client) {
        Customer confirmed = db.tx(h -> {
            var used = tokens.consume(h, tenantId, TokenPurpose.MARKETING_CONFIRMATION, rawToken, null,
                    customers::lock);
            Customer customer = used.account()
                    .filter(c -> c.email().equals(used.token().email()) && c.profile().marketing().pending())
                    .orElseThrow(EmailTokens::invalid);
            CustomerService.requireNotStopped(customer);
            return customers.confirmMarketing(h, customer, client);
        });
        return CustomerView.of(confirmed, mapper);
    }
}
