package dev.latchkey.verification;

import dev.latchkey.customer.EmailAddress;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.customer.CustomerView;
import dev.latchkey.customer.EarlierWaysIn;
import dev.latchkey.db.Database;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.mail.MailTemplate;
import dev.latchkey.mail.SecretLink;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.tenant.TenantSettings;
import org.jdbi.v3.core.Handle;

import java.time.Duration;
import java.util.Map;

/** Proving an email address: the verification mail at sign-up or on request, and using its token. */
public final class VerificationService {
    private final Database db;
    private final TenantService tenants;
    private final CustomerService customers;
    private final EmailTokens tokens;
    private final CustomerMail mail;
    private final ObjectMapper mapper;
    private final EarlierWaysIn earlierWaysIn;

    public VerificationService(Database db, TenantService tenants, CustomerService customers, EmailTokens tokens,
                               CustomerMail mail, ObjectMapper mapper, EarlierWaysIn earlierWaysIn) {
        this.db = db;
        this.tenants = tenants;
        this.customers = customers;
        this.tokens = tokens;
        this.mail = mail;
        this.mapper = mapper;
        this.earlierWaysIn = earlierWaysIn;
    }

    /** Queues the verification mail in the caller's transaction; {@code linkBase} comes from {@link RedirectPolicy}. */
    public void send(Handle h, TenantSettings settings, Customer customer, String linkBase) {
        String token = tokens.issue(h, customer.tenantId(), customer.id(), TokenPurpose.VERIFY_EMAIL, customer.email(),
                settings.verificationTtl());
        mail.send(h, customer, customer.email(), MailTemplate.VERIFY_EMAIL, Map.of(),
                new SecretLink(linkBase, token, Duration.ofSeconds(settings.verificationTtl())));
    }

    /**
     * Sends a new verification mail when the address belongs to an unverified account that is not on hold or disabled
     * and none went to it within {@code email_interval}. Answers the same in every case, so the caller learns nothing
     * about the address.
     */
    public void resend(String tenantId, String email, String verificationUrl) {
        TenantSettings settings = tenants.settings(tenantId);
        String linkBase = RedirectPolicy.linkBase(settings, verificationUrl, "verification_url");
        SteadyAnswer.run(() -> db.tx(h -> {
            db.commitWithoutFlushWait(h);
            Customer customer = customers.lockByEmail(h, tenantId, email).orElse(null);
            boolean mayGetMail = customer != null && !customer.emailVerified() && !CustomerService.isStopped(customer);
            // Whatever sends nothing costs what an unknown address does: the throttle's read (the decoy reads it too)
            // and the mail's rendering, so that answer times do not tell which addresses have an account.
            if (!mayGetMail) {
                tokens.decoy(h, tenantId, TokenPurpose.VERIFY_EMAIL, email);
            } else if (!tokens.throttled(h, tenantId, TokenPurpose.VERIFY_EMAIL, customer.email(),
                    settings.emailInterval())) {
                send(h, settings, customer, linkBase);
                return null;
            }
            mail.rehearse(h, tenantId, MailTemplate.VERIFY_EMAIL);
            return null;
        }));
    }

    /**
     * Uses a verification token: the customer's address is verified. With {@code email} given it must be the address
     * the token was sent to (400 {@code email_mismatch}); a token sent to an address the account no longer has is
     * invalid. An account on hold or disabled answers 403 and keeps its token for when it is active again.
     */
    public CustomerView verify(String tenantId, String rawToken, String email, ClientInfo client) {
        String expected = email == null ? null : EmailAddress.normalise(email);
        Customer verified = db.tx(h -> {
            var used = tokens.consume(h, tenantId, TokenPurpose.VERIFY_EMAIL, rawToken, expected, customers::lock);
            Customer customer = used.account().filter(c -> c.email().equals(used.token().email()))
                    .orElseThrow(EmailTokens::invalid);
            CustomerService.requireNotStopped(customer);
            if (!customer.emailVerified()) {
                // the address's first proof: the ways in set up before it are its previous holder's (see
                // EarlierWaysIn); the password and sessions stay, as the link completes its own registrant's sign-up
                earlierWaysIn.forget(h, customer, "address_proven_by_link", client);
            }
            return customers.markEmailVerified(h, customer, client);
        });
        return CustomerView.of(verified, mapper);
    }
}
