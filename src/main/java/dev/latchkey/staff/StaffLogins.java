package dev.latchkey.staff;

import dev.latchkey.auth.MfaRequired;
import dev.latchkey.auth.StaffTokens;
import dev.latchkey.customer.EmailAddress;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.credential.PasswordHasher;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.mfa.LoginChallenges;
import dev.latchkey.mfa.SecondFactor;
import dev.latchkey.lockout.LockoutService.Verdict;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.tenant.TenantSettings;
import org.jdbi.v3.core.Handle;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Staff log-in, for the admin API and the dashboard alike. It follows the shoppers' rules: an unknown tenant or
 * email, a wrong password and a locked account fail alike (401 {@code invalid_credentials}) after one password
 * verification; the tenant's lockout threshold and duration lock the staff account, doubling per lock.
 */
public final class StaffLogins {
    /**
     * A successful login: who it is and the new session's token; {@code mfaSetupRequired} when the shop requires a
     * second factor the member has not set up, so that the dashboard session serves only its set-up.
     */
    public record LoggedIn(AdminPrincipal principal, StaffSessions.Issued session, boolean mfaSetupRequired) {
    }

    /** A correct password: the session ({@code loggedIn}), or for a member with a second factor its challenge. */
    public record Step(LoggedIn loggedIn, MfaRequired mfa) {
    }

    /** How a staff login's first factor was given, as the second factor's completion records it. */
    private static final String FIRST_FACTOR = "password";
    private static final String SESSION_KIND = "session_kind";
    private static final String DEAD_CHALLENGE = "dead_challenge";
    private static final String MFA_SETUP_REQUIRED = "mfa_setup_required";

    private final Database db;
    private final StaffStore store = new StaffStore();
    private final StaffSessions sessions;
    private final TenantService tenants;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final StaffLockout lockout;
    private final SecondFactor factor;
    private final LoginChallenges challenges;

    public StaffLogins(Database db, StaffSessions sessions, TenantService tenants, PasswordHasher hasher,
                       AuditLog audit, StaffLockout lockout, SecondFactor factor, LoginChallenges challenges) {
        this.db = db;
        this.sessions = sessions;
        this.tenants = tenants;
        this.hasher = hasher;
        this.audit = audit;
        this.lockout = lockout;
        this.factor = factor;
        this.challenges = challenges;
    }

    /**
     * The session of a right password, or for a member with two-step sign-in the challenge that
     * {@link #secondFactor} completes: the password alone opens nothing then.
     */
    public Step login(String tenantId, String email, String password, StaffSessionKind kind, ClientInfo client) {
        Optional<Tenant> tenant = tenantOf(tenantId);
        Optional<TenantSettings> settings = tenant.map(Tenant::settings);
        String normalised = EmailAddress.normalise(email);
        Optional<StaffAccount> found = settings.flatMap(s -> db.read(h -> store.findAccount(h, tenantId, normalised,
                false)));
        if (found.isEmpty()) {
            throw unknown(tenantId, normalised, password, settings.isPresent(), client);
        }
        StaffAccount account = found.get();
        Staff staff = account.staff();
        ClientInfo actor = new ClientInfo(client.ip(), client.userAgent(), staff.id());
        boolean passwordOk = hasher.verify(password, account.passwordHash());
        Verdict verdict = passwordOk && staff.mfaEnabled() ? lockout.bookFirstFactor(tenantId, account)
                : lockout.book(tenantId, settings.get(), account, passwordOk, actor);
        if (verdict != Verdict.ALLOWED) {
            audit.record(tenantId, null, AuditType.STAFF_LOGIN_FAILED, actor,
                    Map.of("reason", verdict == Verdict.LOCKED ? "locked" : "wrong_password"));
            throw CustomerService.invalidCredentials();
        }
        if (tenant.get().suspended()) {
            // said only to whoever knows the password, as an account's state is to shoppers
            audit.record(tenantId, null, AuditType.STAFF_LOGIN_FAILED, actor, Map.of("reason", Tenant.SUSPENDED_CODE));
            throw Tenant.suspendedError();
        }
        String upgraded = null;
        if (hasher.needsRehash(account.passwordHash())) {
            String rehashed = hasher.hash(password);
            db.run(h -> store.replacePasswordHash(h, tenantId, staff.id(), account.passwordHash(), rehashed));
            upgraded = rehashed;
        }
        Set<String> checked = upgraded == null ? Set.of(account.passwordHash())
                : Set.of(account.passwordHash(), upgraded);
        record Outcome(Step step, String failure) {
        }
        Outcome outcome = db.tx(h -> {
            // under the row lock that the member's removal and a new password take: a login either commits before
            // them (and its session is ended by them) or sees what they did, and opens no session
            Optional<StaffAccount> locked = store.findAccountById(h, tenantId, staff.id(), true);
            if (locked.isEmpty()) {
                return new Outcome(null, "unknown_email");
            }
            if (!checked.contains(locked.get().passwordHash())) {
                return new Outcome(null, "wrong_password");
            }
            Staff current = locked.get().staff();
            if (current.mfaEnabled()) {
                String token = challenges.challenge(h, tenantId, current.id(), FIRST_FACTOR,
                        Map.of(SESSION_KIND, kind.wire()));
                return new Outcome(new Step(null, new MfaRequired(token, LoginChallenges.CHALLENGE_TTL.toSeconds(),
                        SecondFactor.METHODS)), null);
            }
            if (!settings.get().requireStaffMfa()) {
                return new Outcome(new Step(open(h, tenantId, current, kind, actor, Map.of()), null), null);
            }
            if (kind == StaffSessionKind.API) {
                return new Outcome(null, MFA_SETUP_REQUIRED);
            }
            return new Outcome(new Step(openForSetup(h, tenantId, current, actor), null), null);
        });
        if (MFA_SETUP_REQUIRED.equals(outcome.failure())) {
            // said only to whoever knows the password, as an account's state is
            audit.record(tenantId, null, AuditType.STAFF_LOGIN_FAILED, actor, Map.of("reason", MFA_SETUP_REQUIRED));
            throw StaffTokens.mfaSetupRequired();
        }
        if (outcome.failure() != null) {
            // removed, or given another password, after the password was checked
            audit.record(tenantId, null, AuditType.STAFF_LOGIN_FAILED, actor, Map.of("reason", outcome.failure()));
            throw CustomerService.invalidCredentials();
        }
        return outcome.step();
    }

    private LoggedIn open(Handle h, String tenantId, Staff staff, StaffSessionKind kind, ClientInfo actor,
                          Map<String, Object> recorded) {
        StaffSessions.Issued issued = sessions.issue(h, tenantId, staff.id(), kind, actor);
        Map<String, Object> data = new LinkedHashMap<>(recorded);
        data.put("kind", kind.wire());
        audit.record(h, tenantId, null, AuditType.STAFF_LOGIN_SUCCEEDED, actor, data);
        return new LoggedIn(new AdminPrincipal(tenantId, staff.roleValue(), staff.id()), issued, false);
    }

    /**
     * A dashboard session for a member whom the shop requires to set up a second factor: every page but the set-up
     * and the logout leads to the set-up until it is done. It opens confirmed, as its password was given just now,
     * so that the set-up (a confirmed session's page) does not ask for it again at once.
     */
    private LoggedIn openForSetup(Handle h, String tenantId, Staff staff, ClientInfo actor) {
        LoggedIn opened = open(h, tenantId, staff, StaffSessionKind.DASHBOARD, actor,
                Map.of(MFA_SETUP_REQUIRED, true));
        sessions.confirm(h, tenantId, opened.session().token());
        return new LoggedIn(opened.principal(), opened.session(), true);
    }

    /** The address of the member {@code mfaToken} is for, while it lives: the login's rate limit counts it. */
    public Optional<String> challengedEmail(String tenantId, String mfaToken) {
        return challenges.challengedEmail(tenantId, mfaToken);
    }

    /** What a code at the second step came to: the session, or why not (with the member when known). */
    private record Attempt(LoggedIn admitted, Staff staff, String failure) {
    }

    /**
     * A TOTP or recovery code for the login behind {@code mfaToken}, which a login of this {@code kind} answered. A
     * wrong one counts toward the member's lockout as a wrong password does and toward the token's
     * {@link LoginChallenges#MAX_TRIES}: 401 {@code invalid_credentials}. A token unknown, expired, used, used up or of
     * the other kind of login is 401 {@code invalid_mfa_token}: the login starts again with the password. While the
     * member is locked a right code is refused as a wrong one, spends nothing and counts as one of the token's tries.
     */
    public LoggedIn secondFactor(String tenantId, String mfaToken, String code, StaffSessionKind kind,
                                 ClientInfo client) {
        Optional<Tenant> tenant = tenantOf(tenantId);
        if (tenant.isEmpty()) {
            throw deadChallenge();
        }
        tenant.get().requireActive();
        Optional<TenantSettings> settings = tenant.map(Tenant::settings);
        Attempt attempt = db.tx(h -> {
            var login = challenges.lock(h, tenantId, mfaToken).orElse(null);
            if (login == null || !kind.wire().equals(login.context().get(SESSION_KIND))) {
                return new Attempt(null, null, DEAD_CHALLENGE);
            }
            Staff staff = store.findAccountById(h, tenantId, login.ownerId(), true).map(StaffAccount::staff)
                    .orElse(null);
            if (staff == null || !staff.mfaEnabled()) {
                // reset meanwhile: the password is asked again
                challenges.end(h, tenantId, login);
                return new Attempt(null, null, DEAD_CHALLENGE);
            }
            ClientInfo actor = new ClientInfo(client.ip(), client.userAgent(), staff.id());
            var match = factor.match(h, tenantId, staff.id(), code);
            if (match.isEmpty()) {
                challenges.failedTry(h, tenantId, login);
                return new Attempt(null, staff, "wrong_code");
            }
            if (lockout.book(h, tenantId, settings.get(), staff.id(), true, actor) != Verdict.ALLOWED) {
                // a try all the same: a login takes MAX_TRIES codes at most, whatever they were
                challenges.failedTry(h, tenantId, login);
                return new Attempt(null, staff, "locked");
            }
            factor.use(h, tenantId, staff.id(), match.get());
            challenges.end(h, tenantId, login);
            return new Attempt(open(h, tenantId, staff, kind, actor,
                    Map.of("first_factor", login.firstFactor(), "mfa", match.get().method())), staff, null);
        });
        if (attempt.admitted() != null) {
            return attempt.admitted();
        }
        if (DEAD_CHALLENGE.equals(attempt.failure())) {
            throw deadChallenge();
        }
        ClientInfo actor = new ClientInfo(client.ip(), client.userAgent(), attempt.staff().id());
        if (attempt.failure().equals("wrong_code")) {
            db.tx(h -> lockout.book(h, tenantId, settings.get(), attempt.staff().id(), false, actor));
        }
        audit.record(tenantId, null, AuditType.STAFF_LOGIN_FAILED, actor,
                Map.of("reason", attempt.failure(), "step", "mfa"));
        throw new ApiError(401, "invalid_credentials", "The code is not a current code of the authenticator app, "
                + "nor an unused recovery code.");
    }

    private static ApiError deadChallenge() {
        return new ApiError(401, "invalid_mfa_token", "The login's mfa_token is unknown, expired, used or used up: "
                + "log in with the password again.");
    }

    /** No such staff member (or shop): the work a known account costs, then the same refusal. */
    private ApiError unknown(String tenantId, String email, String password, boolean tenantExists, ClientInfo client) {
        hasher.verifyDummy(password);
        if (tenantExists) {
            db.tx(h -> store.findAccount(h, tenantId, email, true));
            audit.record(tenantId, null, AuditType.STAFF_LOGIN_FAILED, client, Map.of("reason", "unknown_email"));
        }
        return CustomerService.invalidCredentials();
    }

    private Optional<Tenant> tenantOf(String tenantId) {
        try {
            return Optional.of(tenants.tenant(tenantId));
        } catch (ApiError unknownTenant) {
            return Optional.empty();
        }
    }

    /** Ends the caller's own session. */
    public void logout(AdminPrincipal who, String rawToken, ClientInfo client) {
        if (sessions.revoke(rawToken)) {
            audit.record(who.tenantId(), null, AuditType.STAFF_LOGGED_OUT,
                    new ClientInfo(client.ip(), client.userAgent(), who.staffId()), Map.of());
        }
    }
}
