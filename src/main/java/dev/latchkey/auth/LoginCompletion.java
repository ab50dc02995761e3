package dev.latchkey.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.cart.CartService;
import dev.latchkey.cart.GuestCart;
import dev.latchkey.cart.MergeStrategy;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.customer.CustomerView;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.lockout.LockoutService;
import dev.latchkey.lockout.LockoutStore;
import dev.latchkey.mfa.LoginChallenges;
import dev.latchkey.mfa.MfaService;
import dev.latchkey.mfa.SecondFactor;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.tenant.TenantSettings;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The last step of every way a customer logs in (a password, an emailed code, a password reset): {@link #finish}
 * opens the session, or, when the account has two-step sign-in, answers the challenge for the second factor instead,
 * which {@link #secondFactor} completes with the same session the first factor would have opened (the guest cart it
 * would have claimed included).
 */
public final class LoginCompletion {
    /** What a code at the second step came to. */
    private record Attempt(AuthResult admitted, Customer customer, String failure, ApiError refused) {
        static Attempt failed(Customer customer, String reason) {
            return new Attempt(null, customer, reason, null);
        }
    }

    private static final String DEAD_CHALLENGE = "dead_challenge";

    private final Database db;
    private final TenantService tenants;
    private final CustomerService customers;
    private final TokenService tokens;
    private final CartService carts;
    private final MfaService mfa;
    private final LoginChallenges challenges;
    private final LockoutService lockout;
    private final AuditLog audit;
    private final ObjectMapper mapper;
    private final Clock clock;

    public LoginCompletion(Database db, TenantService tenants, CustomerService customers, TokenService tokens,
                           CartService carts, MfaService mfa, LoginChallenges challenges, LockoutService lockout,
                           AuditLog audit, ObjectMapper mapper, Clock clock) {
        this.db = db;
        this.tenants = tenants;
        this.customers = customers;
        this.tokens = tokens;
        this.carts = carts;
        this.mfa = mfa;
        this.challenges = challenges;
        this.lockout = lockout;
        this.audit = audit;
        this.mapper = mapper;
        this.clock = clock;
    }

    /**
     * In the caller's transaction, which holds the account's row and proved its first factor ({@code firstFactor}
     * names it: {@code password}, {@code code}, {@code password_reset}, {@code oidc}, recorded when the second factor
     * completes the login): a session with {@code guestCart} claimed, or the challenge for the second factor when the
     * account has one. Without a second factor the caller has checked that the account may log in (its 403 answers)
     * and records the login's success itself; with one, both wait for the second factor, so that the password alone
     * tells nothing more.
     */
    public LoginOutcome finish(Handle h, TenantSettings settings, Customer customer, GuestCart guestCart,
                               ClientInfo client, String firstFactor) {
        if (customer.mfaEnabled()) {
            String token = challenges.challenge(h, customer, guestCart, firstFactor);
            return new MfaRequired(token, LoginChallenges.CHALLENGE_TTL.toSeconds(), SecondFactor.METHODS);
        }
        return open(h, settings, customer, guestCart, client);
    }

    /** A session for an account that has no second factor to ask for (one registering now). */
    public AuthResult open(Handle h, TenantSettings settings, Customer customer, GuestCart guestCart,
                           ClientInfo client) {
        String cartId = carts.claim(h, customer.tenantId(), MergeStrategy.fromWire(settings.cartMergeStrategy()),
                customer.id(), guestCart);
        Issued issued = tokens.startSession(h, customer.tenantId(), settings, SessionKind.CUSTOMER, customer.id(),
                client);
        return AuthResult.of(issued, CustomerView.of(customer, mapper), cartId, clock.instant());
    }

    /** The address of the account {@code mfaToken} is for, while it lives: the login's rate limit counts it. */
    public Optional<String> challengedEmail(String tenantId, String mfaToken) {
        return challenges.challengedEmail(tenantId, mfaToken);
    }

    /**
     * A TOTP or recovery code for the login behind {@code mfaToken}. A wrong one counts toward the account's lockout
     * as a wrong password does and toward the token's {@link LoginChallenges#MAX_TRIES}: 401
     * {@code invalid_credentials}. A token unknown, expired, used or used up is 401 {@code invalid_mfa_token}: the
     * login starts again with the password. A right code is spent only when the session opens; then the account's
     * state answers (403 as a login does), and a lockout still lasting refuses it as a wrong code.
     */
    public AuthResult secondFactor(String tenantId, String mfaToken, String code, ClientInfo client) {
        TenantSettings settings = tenants.settings(tenantId);
        Attempt attempt = db.tx(h -> {
            var login = challenges.lock(h, tenantId, mfaToken).orElse(null);
            if (login == null) {
                return Attempt.failed(null, DEAD_CHALLENGE);
            }
            var locked = customers.lock(h, tenantId, login.ownerId(), LockoutStore::state).orElse(null);
            if (locked == null || !locked.customer().mfaEnabled()) {
                // the second factor was turned off or reset meanwhile: the password is asked again
                challenges.end(h, tenantId, login);
                return Attempt.failed(null, DEAD_CHALLENGE);
            }
            Customer customer = locked.customer();
            var match = mfa.match(h, customer, code);
            if (match.isEmpty()) {
                challenges.failedTry(h, tenantId, login);
                return Attempt.failed(customer, "wrong_code");
            }
            if (lockout.attemptWithCorrectPassword(h, tenantId, settings, customer.id(), locked.alongside())
                    != LockoutService.Verdict.ALLOWED) {
                return Attempt.failed(customer, "locked");
            }
            try {
                customers.checkCanLogIn(settings, customer);
            } catch (ApiError refused) {
                challenges.end(h, tenantId, login); // told once: it does not wait for the merchant's change of mind
                return new Attempt(null, customer, null, refused);
            }
            mfa.use(h, customer, match.get());
            challenges.end(h, tenantId, login);
            AuthResult result = open(h, settings, customer, login.guestCart(), client);
            audit.record(h, tenantId, customer.id(), AuditType.LOGIN_SUCCEEDED, client, Map.of("session_id",
                    result.sessionId(), "first_factor", login.firstFactor(), "mfa", match.get().method()));
            return new Attempt(result, customer, null, null);
        });
        if (attempt.admitted() != null) {
            return attempt.admitted();
        }
        Customer customer = attempt.customer();
        if (attempt.refused() != null) {
            audit.record(tenantId, customer.id(), AuditType.LOGIN_FAILED, client,
                    Map.of("reason", attempt.refused().code(), "step", "mfa"));
            throw attempt.refused();
        }
        if (DEAD_CHALLENGE.equals(attempt.failure())) {
            throw new ApiError(401, "invalid_mfa_token", "The login's mfa_token is unknown, expired, used or used up: "
                    + "log in with the password again.");
        }
        if (attempt.failure().equals("wrong_code")) {
            lockout.attemptWithWrongPassword(tenantId, settings, customer.id(), customer.email(), client);
        }
        audit.record(tenantId, customer.id(), AuditType.LOGIN_FAILED, client,
                Map.of("reason", attempt.failure(), "step", "mfa"));
        throw new ApiError(401, "invalid_credentials", "The code is not a current code of the authenticator app, "
                + "nor an unused recovery code.");
    }
}
