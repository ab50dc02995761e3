package dev.latchkey.credential;

import dev.latchkey.auth.LoginCompletion;
import dev.latchkey.auth.LoginOutcome;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.db.Database;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.mail.MailTemplate;
import dev.latchkey.mail.SecretLink;
import dev.latchkey.ratelimit.LimitedAction;
import dev.latchkey.ratelimit.RateLimits;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.tenant.TenantSettings;
import dev.latchkey.verification.CustomerMail;
import dev.latchkey.verification.EmailTokens;
import dev.latchkey.verification.RedirectPolicy;
import dev.latchkey.verification.SteadyAnswer;
import dev.latchkey.verification.TokenPurpose;
import org.jdbi.v3.core.Handle;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** A forgotten password: the reset mail, and the reset itself, which logs the shopper in. */
public final class RecoveryService {
    private final Database db;
    private final TenantService tenants;
    private final CustomerService customers;
    private final EmailTokens tokens;
    private final CustomerMail mail;
    private final PasswordChanges passwordChanges;
    private final RateLimits limits;
    private final LoginCompletion completion;

    public RecoveryService(Database db, TenantService tenants, CustomerService customers, EmailTokens tokens,
                           CustomerMail mail, PasswordChanges passwordChanges, LoginCompletion completion,
                           RateLimits limits) {
        this.limits = limits;
        this.db = db;
        this.tenants = tenants;
        this.customers = customers;
        this.tokens = tokens;
        this.mail = mail;
        this.passwordChanges = passwordChanges;
        this.completion = completion;
    }

    /**
     * Queues a reset mail when the address belongs to an active account and no reset mail went to it within
     * {@code email_interval}. Unknown addresses cost the same work and get the same answer, and no mail; the answer
     * comes no sooner than {@link SteadyAnswer#FLOOR} after the work began, whichever it was.
     */
    public void forgot(String tenantId, String email, String redirectUrl) {
        TenantSettings settings = tenants.settings(tenantId);
        String linkBase = RedirectPolicy.linkBase(settings, redirectUrl, "redirect_url");
        SteadyAnswer.run(() -> db.tx(h -> {
            db.commitWithoutFlushWait(h);
            Optional<Customer> found = customers.lockByEmail(h, tenantId, email)
                    .filter(c -> c.status() == Customer.Status.ACTIVE);
            if (found.isEmpty()) {
                tokens.decoy(h, tenantId, TokenPurpose.PASSWORD_RESET, email);
                mail.rehearse(h, tenantId, MailTemplate.PASSWORD_RESET);
                return null;
            }
            if (!mailReset(h, settings, found.get(), linkBase)) {
                mail.rehearse(h, tenantId, MailTemplate.PASSWORD_RESET); // as an unknown address costs
            }
            return null;
        }));
    }

    /**
     * Issues a reset token living {@code password_reset_ttl} seconds and queues its mail, with a link to
     * {@code linkBase} (nullable: the token alone), unless a reset mail went to the customer's address within
     * {@code email_interval}; answers whether it did. The caller checked that the account may reset its password.
     */
    public boolean mailReset(Handle h, TenantSettings settings, Customer customer, String linkBase) {
        if (tokens.throttled(h, customer.tenantId(), TokenPurpose.PASSWORD_RESET, customer.email(),
                settings.emailInterval())) {
            return false;
        }
        String token = tokens.issue(h, customer.tenantId(), customer.id(), TokenPurpose.PASSWORD_RESET,
                customer.email(), settings.passwordResetTtl());
        mail.send(h, customer, customer.email(), MailTemplate.PASSWORD_RESET, Map.of(),
                new SecretLink(linkBase, token, Duration.ofSeconds(settings.passwordResetTtl())));
        return true;
    }

    /**
     * Sets the new password with a reset token and opens a new session; every other session ends, the lockout is
     * cleared and the address counts as verified (the token proved it). An account that may not log in (403) keeps its
     * password and its token. An account with two-step sign-in gets the password changed and the challenge for its
     * second factor instead of the session, and its lockout as it was: the emailed link alone does not log in, and
     * does not wipe out the wrong codes counted before it.
     */
    public LoginOutcome reset(String tenantId, String rawToken, String newPassword, ClientInfo client) {
        TenantSettings settings = tenants.settings(tenantId);
        String passwordHash = customers.hashPassword(newPassword);
        record Outcome(Customer customer, LoginOutcome answer) {
        }
        Outcome outcome = db.tx(h -> {
            var used = tokens.consume(h, tenantId, TokenPurpose.PASSWORD_RESET, rawToken, null, customers::lock);
            Customer customer = used.account().filter(c -> c.email().equals(used.token().email()))
                    .orElseThrow(EmailTokens::invalid);
            CustomerService.requireActive(customer);
            passwordChanges.checkPolicy("new_password", newPassword, settings, customer);
            passwordChanges.apply(h, customer, passwordHash, true, null, client);
            Customer changed = customers.lockOwn(h, tenantId, customer.id());
            // the shopper is logged in as by a login: the answer names their active cart as every AuthResult does
            return new Outcome(changed, completion.finish(h, settings, changed, null, client, "password_reset"));
        });
        // the address's login bucket, which anyone may have spent, is given back with the lockout; a second factor's
        // guesses stay bounded by the lockout, which the reset of an account with one leaves as it was
        limits.forgetAccount(tenantId, LimitedAction.LOGIN, outcome.customer().email());
        return outcome.answer();
    }
}
