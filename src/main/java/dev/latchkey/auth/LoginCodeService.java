package dev.latchkey.auth;

import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.mail.MailTemplate;
import dev.latchkey.mail.SecretLink;
import dev.latchkey.tenant.TenantSettings;
import dev.latchkey.verification.CustomerMail;
import dev.latchkey.verification.EmailTokens;
import dev.latchkey.verification.LoginCodes;
import dev.latchkey.verification.SteadyAnswer;
import dev.latchkey.verification.TokenPurpose;

import java.time.Duration;
import java.util.Map;

/**
 * Logging in without a password, first half: the six-digit code mailed to the shopper's address. The second half, the
 * login with it, is {@link AuthService#loginWithCode}.
 */
public final class LoginCodeService {
    private final Database db;
    private final CustomerService customers;
    private final LoginCodes codes;
    private final EmailTokens tokens;
    private final CustomerMail mail;
    private final AuditLog audit;

    public LoginCodeService(Database db, CustomerService customers, LoginCodes codes, EmailTokens tokens,
                            CustomerMail mail, AuditLog audit) {
        this.db = db;
        this.customers = customers;
        this.codes = codes;
        this.tokens = tokens;
        this.mail = mail;
        this.audit = audit;
    }

    /** 403 {@code login_codes_disabled} while the tenant has turned {@code login_codes} off. */
    public static void requireEnabled(TenantSettings settings) {
        if (!settings.loginCodes()) {
            throw new ApiError(403, "login_codes_disabled", "This shop does not offer logging in with an emailed code.");
        }
    }

    /**
     * Mails a new code, living {@code login_code_ttl} seconds, when the address belongs to an account, and withdraws
     * the one before; within {@code email_interval} of the last code to the address nothing is sent while that code
     * still works (it stays the one to use). Every account gets its code whatever its state: as with a password, its
     * 403 answers only the right code. {@code language} (nullable) is the storefront's, before the customer's preferred
     * one. Unknown addresses cost the same work, get no mail and no audit record, and the answer comes no sooner than
     * {@link SteadyAnswer#FLOOR} after the work began, whichever it was.
     */
    public void request(String tenantId, TenantSettings settings, String email, String language, ClientInfo client) {
        SteadyAnswer.run(() -> db.tx(h -> {
            db.commitWithoutFlushWait(h);
            Customer customer = customers.lockByEmail(h, tenantId, email).orElse(null);
            if (customer == null) {
                tokens.decoy(h, tenantId, TokenPurpose.LOGIN_CODE, email);
                mail.rehearse(h, tenantId, MailTemplate.LOGIN_CODE);
                return null;
            }
            // only a code that still works holds a new one back: one used, or burned by someone else's guesses, does not
            boolean throttled = codes.live(h, tenantId, customer.id(), customer.email()) && tokens.throttled(h,
                    tenantId, TokenPurpose.LOGIN_CODE, customer.email(), settings.emailInterval());
            if (throttled) {
                mail.rehearse(h, tenantId, MailTemplate.LOGIN_CODE); // as a sent code's mail costs
            } else {
                String code = codes.issue(h, tenantId, customer.id(), customer.email(), settings.loginCodeTtl());
                mail.send(h, customer, customer.email(), MailTemplate.LOGIN_CODE, Map.of(),
                        new SecretLink(null, code, Duration.ofSeconds(settings.loginCodeTtl())), language);
            }
            audit.record(h, tenantId, customer.id(), AuditType.LOGIN_CODE_SENT, client,
                    throttled ? Map.of("throttled", true) : Map.of());
            return null;
        }));
    }
}
