package dev.latchkey.credential;

import dev.latchkey.customer.EmailAddress;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.audit.AuditType;
import dev.latchkey.audit.AuditLog;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.auth.AccessToken;
import dev.latchkey.auth.TokenService;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.customer.CustomerView;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.lockout.LockoutService;
import dev.latchkey.lockout.LockoutStore;
import dev.latchkey.mail.MailTemplate;
import dev.latchkey.mail.SecretLink;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.tenant.TenantSettings;
import dev.latchkey.verification.CustomerMail;
import dev.latchkey.verification.EmailTokens;
import dev.latchkey.verification.RedirectPolicy;
import dev.latchkey.verification.TokenPurpose;
import org.jdbi.v3.core.Handle;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A logged-in shopper changing their password or email address, and the confirmation of a new address. */
public final class CredentialService {
    private final AuditLog audit;
    private final Database db;
    private final TenantService tenants;
    private final CustomerService customers;
    private final EmailTokens tokens;
    private final CustomerMail mail;
    private final PasswordChanges passwordChanges;
    private final TokenService sessions;
    private final LockoutService lockout;
    private final ObjectMapper mapper;

    public CredentialService(Database db, TenantService tenants, CustomerService customers, EmailTokens tokens,
                             CustomerMail mail, PasswordChanges passwordChanges, TokenService sessions,
                             LockoutService lockout, ObjectMapper mapper, AuditLog audit) {
        this.audit = audit;
        this.db = db;
        this.tenants = tenants;
        this.customers = customers;
        this.tokens = tokens;
        this.mail = mail;
        this.passwordChanges = passwordChanges;
        this.sessions = sessions;
        this.lockout = lockout;
        this.mapper = mapper;
    }

    /**
     * The customer's password typed again for {@code action} (a {@link dev.latchkey.auth.PasswordConfirmation}): 403
     * {@code invalid_credentials} when it is wrong, counted towards the lockout and recorded, as for a password change.
     */
    public void confirmPassword(AccessToken token, String password, String action, ClientInfo client) {
        requirePassword(token, tenants.settings(token.tenantId()), customers.own(token.tenantId(), token.customerId()),
                password, action, client);
    }

    /**
     * Needs the current password (403 {@code invalid_credentials}); the presented session is the one that stays. The
     * change applies only to the hash the current password was checked against: of two changes at once, the second
     * finds the password changed and is refused as a wrong current password would be.
     */
    public void changePassword(AccessToken token, String currentPassword, String newPassword, ClientInfo client) {
        TenantSettings settings = tenants.settings(token.tenantId());
        Customer customer = customers.own(token.tenantId(), token.customerId());
        requirePassword(token, settings, customer, currentPassword, "password_change", client);
        PasswordPolicy.requireNew(currentPassword, newPassword);
        passwordChanges.checkPolicy("new_password", newPassword, settings, customer);
        String passwordHash = customers.hashPassword(newPassword);
        boolean changed = db.tx(h -> lockChecked(h, token, settings, customer, "password_change", client)
                .map(locked -> {
                    passwordChanges.apply(h, locked, passwordHash, false, token.sessionId(), client);
                    return true;
                })
                .orElse(false));
        if (!changed) {
            throw ApiError.wrongCurrentPassword();
        }
        // the change published the customer once after its commit: every node has forgotten their cached tokens
    }

    /**
     * Starts an email change: a confirmation token to the new address and a notice to the current one. The account
     * keeps its address until the token is used. A new request withdraws the previous one's token, also when the
     * per-address throttle (which applies to the new address) holds its own mail back: it still answers 202 and sends
     * nothing. Only the newest token already mailed to the same address stays then (live again if a request for
     * another address withdrew it), so that a request sent twice leaves the shopper the link they have. As with a
     * password change, the password must still be the one checked once the account is locked: a password change or
     * reset that landed in between refuses the request (403 {@code invalid_credentials}).
     */
    public void changeEmail(AccessToken token, String newEmail, String password, String confirmationUrl,
                            ClientInfo client) {
        TenantSettings settings = tenants.settings(token.tenantId());
        String linkBase = RedirectPolicy.linkBase(settings, confirmationUrl, "confirmation_url");
        Customer customer = customers.own(token.tenantId(), token.customerId());
        requirePassword(token, settings, customer, password, "email_change", client);
        String address = EmailAddress.normalise(newEmail);
        if (address.equals(customer.email())) {
            throw ApiError.validation("new_email", "unchanged", "new_email is the account's current address.");
        }
        boolean admitted = db.tx(h -> {
            if (customers.findByEmail(h, token.tenantId(), address).isPresent()) {
                throw CustomerService.emailTaken();
            }
            Customer locked = lockChecked(h, token, settings, customer, "email_change", client).orElse(null);
            if (locked == null) {
                return false;
            }
            sessions.requireUnended(h, token);
            // the throttle counts for the new address whichever account asks: other accounts' requests take turns
            return tokens.inTurn(h, token.tenantId(), TokenPurpose.EMAIL_CHANGE, address, () -> {
                if (tokens.throttled(h, token.tenantId(), TokenPurpose.EMAIL_CHANGE, address,
                        settings.emailInterval())) {
                    // the link already mailed to this address (a request sent twice) stays the one to use
                    tokens.keepOnlyNewestTo(h, token.tenantId(), locked.id(), TokenPurpose.EMAIL_CHANGE, address);
                    return true;
                }
                tokens.voidOutstanding(h, token.tenantId(), locked.id(), TokenPurpose.EMAIL_CHANGE);
                String secret = tokens.issue(h, token.tenantId(), locked.id(), TokenPurpose.EMAIL_CHANGE, address,
                        settings.verificationTtl());
                Map<String, String> values = Map.of("new_email", address);
                mail.send(h, locked, address, MailTemplate.EMAIL_CHANGE_CONFIRM, values,
                        new SecretLink(linkBase, secret, Duration.ofSeconds(settings.verificationTtl())));
                mail.send(h, locked, locked.email(), MailTemplate.EMAIL_CHANGED_NOTICE, values, null);
                audit.record(h, token.tenantId(), locked.id(), AuditType.EMAIL_CHANGE_REQUESTED, client, Map.of());
                return true;
            });
        });
        if (!admitted) {
            throw ApiError.wrongCurrentPassword();
        }
    }

    /** Uses an email-change token: the account moves to the new address, verified. */
    public CustomerView confirmEmail(String tenantId, String rawToken, ClientInfo client) {
        Customer changed = db.tx(h -> {
            var used = tokens.consume(h, tenantId, TokenPurpose.EMAIL_CHANGE, rawToken, null, customers::lock);
            Customer customer = used.account().orElseThrow(EmailTokens::invalid);
            // an account the merchant has put on hold or disabled keeps its address until it is active again
            CustomerService.requireActive(customer);
            Customer moved = customers.changeEmail(h, customer, used.token().email(), client);
            audit.record(h, tenantId, customer.id(), AuditType.EMAIL_CHANGED, client, Map.of());
            return moved;
        });
        // Cached tokens carry the old address (GET /v1/auth/token shows it): the change of the row published the
        // customer once after its commit, and every node read them again.
        return CustomerView.of(changed, mapper);
    }

    /**
     * A wrong password here is a failed authentication as much as a refused login: whoever holds the session may be
     * guessing, so it counts toward the account's lockout as a wrong password at login does (and may lock it). A right
     * one is then decided under the account's row lock, as a login's is, before any check that only a right password
     * reaches (the new password's policy, an unchanged or taken address) can answer: while a lock lasts it is refused
     * like a wrong one, and a lock that wrong guesses racing it set off first holds it too.
     */
    private void requirePassword(AccessToken token, TenantSettings settings, Customer customer, String password,
                                 String action, ClientInfo client) {
        if (!customers.passwordMatches(customer, password)) {
            // a password changed on another device ended this session too: logged out, not a wrong guess
            db.run(h -> sessions.requireUnendedWithoutLock(h, token));
            lockout.attemptWithWrongPassword(customer.tenantId(), settings, customer.id(), customer.email(), client);
            audit.record(customer.tenantId(), customer.id(), AuditType.PASSWORD_CHECK_FAILED, client,
                    Map.of("action", action, "reason", "wrong_password"));
            throw ApiError.wrongCurrentPassword();
        }
        if (db.tx(h -> lockChecked(h, token, settings, customer, action, client)).isEmpty()) {
            throw ApiError.wrongCurrentPassword();
        }
    }

    /**
     * Locks the account's row for a change asked for with {@code checked}'s password. Empty, with the refusal recorded
     * in this transaction (the caller commits it and answers 403 as for a wrong password), when a password change or
     * reset landed since the password was checked (it withdraws changes asked for with the old password), or while the
     * account is locked out: a correct guess must not get through a lock that wrong guesses set off. Otherwise the
     * correct password ends the run of failures, as a login does. A refusal to a session that has ended meanwhile (a
     * change on another device ended it) is 401 {@code invalid_token} instead: it is logged out, whatever its password.
     */
    private Optional<Customer> lockChecked(Handle h, AccessToken token, TenantSettings settings, Customer checked,
                                           String action, ClientInfo client) {
        var locked = customers.lock(h, checked.tenantId(), checked.id(), LockoutStore::state)
                .orElseThrow(ApiError::invalidToken);
        Customer current = locked.customer();
        String refusal = null;
        if (!Objects.equals(current.passwordHash(), checked.passwordHash())) {
            refusal = "password_changed";
        } else if (lockout.attemptWithCorrectPassword(h, checked.tenantId(), settings, current.id(),
                locked.alongside()) != LockoutService.Verdict.ALLOWED) {
            refusal = "locked";
        }
        if (refusal != null) {
            sessions.requireUnended(h, token);
            audit.record(h, checked.tenantId(), checked.id(), AuditType.PASSWORD_CHECK_FAILED, client,
                    Map.of("action", action, "reason", refusal));
            return Optional.empty();
        }
        return Optional.of(current);
    }
}
