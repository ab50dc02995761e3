package dev.latchkey.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.cart.GuestCart;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.customer.CustomerView;
import dev.latchkey.customer.CustomerWithCart;
import dev.latchkey.customer.ProfileInput;
import dev.latchkey.db.CommitUncertain;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.tenant.TenantSettings;
import dev.latchkey.verification.RedirectPolicy;
import dev.latchkey.verification.SteadyAnswer;
import dev.latchkey.verification.VerificationService;

import java.time.Clock;
import java.util.Map;

/**
 * Sign-up and log-in: the customer rules decide who may in, the token service opens the session and the cart service
 * brings the guest cart along, in one transaction.
 */
public final class AuthService {
    /** Registration either logs the shopper in ({@code result}) or names the step before they can. */
    public record SignUp(AuthResult result, CustomerView customer, String nextStep) {
    }

    private record Registered(CustomerService.Registration registration, AuthResult opened) {
    }

    private final Database db;
    private final TenantService tenants;
    private final CustomerService customers;
    private final Authenticator authenticator;
    private final TokenService tokens;
    private final LoginCompletion completion;
    private final VerificationService verification;
    private final AuditLog audit;
    private final ObjectMapper mapper;
    private final Clock clock;

    public AuthService(Database db, TenantService tenants, CustomerService customers, Authenticator authenticator,
                       TokenService tokens, LoginCompletion completion, VerificationService verification,
                       AuditLog audit, ObjectMapper mapper, Clock clock) {
        this.db = db;
        this.tenants = tenants;
        this.customers = customers;
        this.authenticator = authenticator;
        this.tokens = tokens;
        this.completion = completion;
        this.verification = verification;
        this.audit = audit;
        this.mapper = mapper;
        this.clock = clock;
    }

    /**
     * Registers a customer and, when {@code verificationUrl} is given or the tenant requires verification, queues the
     * verification mail in the same transaction: a registration that fails sends nothing. So is the confirmation of a
     * marketing consent given under a double opt-in, its link built on {@code marketingUrl}. A shopper who may log in at
     * once gets their session in that transaction too; one who must verify or await activation first is not logged in,
     * so their guest cart stays theirs.
     */
    public SignUp register(String tenantId, String email, String password, ProfileInput profile,
                           String verificationUrl, String marketingUrl, GuestCart guestCart, ClientInfo client) {
        TenantSettings settings = tenants.settings(tenantId);
        String linkBase = RedirectPolicy.linkBase(settings, verificationUrl, "verification_url");
        String marketingLinkBase = RedirectPolicy.linkBase(settings, marketingUrl, RedirectPolicy.MARKETING_FIELD);
        boolean sendVerification = verificationUrl != null || settings.requireEmailVerification();
        String passwordHash = customers.hashPassword(password);
        var signedUp = db.tx(h -> {
            var registered = customers.register(h, tenantId, settings, email, passwordHash, profile,
                    marketingLinkBase, client);
            if (sendVerification) {
                verification.send(h, settings, registered.customer(), linkBase);
            }
            // a new account has no second factor yet
            AuthResult opened = registered.nextStep() == null
                    ? completion.open(h, settings, registered.customer(), guestCart, client) : null;
            return new Registered(registered, opened);
        });
        var registration = signedUp.registration();
        CustomerView view = CustomerView.of(registration.customer(), mapper);
        if (registration.nextStep() != null) {
            return new SignUp(null, view, registration.nextStep());
        }
        return new SignUp(signedUp.opened(), view, null);
    }

    /**
     * The lockout's bookkeeping, the session, the guest cart's claim and the audit record of a login are one
     * transaction ({@link LoginAdmission}). An account with two-step sign-in gets the challenge for its second factor
     * instead of the session ({@link LoginCompletion}).
     */
    public LoginOutcome login(String tenantId, String email, String password, GuestCart guestCart, ClientInfo client) {
        return authenticator.authenticate(tenantId, tenants.settings(tenantId), email, password, guestCart, client);
    }

    /** As {@link #login}, with the code mailed by {@link LoginCodeService#request} instead of the password. */
    public LoginOutcome loginWithCode(String tenantId, String email, String code, GuestCart guestCart,
                                      ClientInfo client) {
        TenantSettings settings = tenants.settings(tenantId);
        // a known address's wrong code writes (the code's count, the lockout), an unknown one's only reads
        return SteadyAnswer.call(() -> authenticator.authenticateWithCode(tenantId, settings, email, code, guestCart,
                client));
    }

    public AuthResult refresh(String tenantId, String refreshToken, ClientInfo client) {
        var refreshed = tokens.refresh(tenantId, tenants.settings(tenantId), SessionKind.CUSTOMER, refreshToken, client);
        return answer(refreshed.issued(), refreshed.owner());
    }

    public AuthResult renew(AccessToken token) {
        Issued issued = tokens.renew(token, tenants.settings(token.tenantId()));
        CustomerWithCart owner;
        try {
            owner = customers.ownWithActiveCart(token.tenantId(), issued.customerId());
        } catch (ApiError refused) {
            throw refused;
        } catch (RuntimeException e) {
            // the renewal is done and the presented tokens no longer work: no "try again"
            throw CommitUncertain.afterCommit(e);
        }
        return answer(issued, owner);
    }

    private AuthResult answer(Issued issued, CustomerWithCart owner) {
        return AuthResult.of(issued, CustomerView.of(owner.customer(), mapper), owner.activeCartId(), clock.instant());
    }

    public AuthResult.Anonymous startAnonymous(String tenantId, ClientInfo client) {
        Issued issued = tokens.startSession(tenantId, tenants.settings(tenantId), SessionKind.ANONYMOUS, null, client);
        return AuthResult.Anonymous.of(issued, clock.instant());
    }

    public AuthResult.Anonymous refreshAnonymous(String tenantId, String refreshToken, ClientInfo client) {
        var refreshed = tokens.refresh(tenantId, tenants.settings(tenantId), SessionKind.ANONYMOUS, refreshToken,
                client);
        return AuthResult.Anonymous.of(refreshed.issued(), clock.instant());
    }

    /**
     * Ends the token's session and records it, in one transaction. A customer's row is locked first, as the erasure
     * locks it: a logout that meets the erasure waits for it and finds the account gone (401 {@code invalid_token}),
     * instead of recording the shopper's IP address and user agent after the erasure removed them.
     */
    public void logout(AccessToken token, ClientInfo client) {
        db.tx(h -> {
            if (token.customerId() != null) {
                customers.lockOwn(h, token.tenantId(), token.customerId());
            }
            if (!tokens.revokeSession(h, token.tenantId(), token.sessionId())) {
                throw ApiError.invalidToken(); // a logout of the same token at the same moment ended it
            }
            audit.record(h, token.tenantId(), token.customerId(), AuditType.SESSION_REVOKED, client,
                    Map.of("reason", "logout", "session_id", token.sessionId()));
            return null;
        });
    }
}
