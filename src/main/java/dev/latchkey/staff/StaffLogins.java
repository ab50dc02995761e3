package dev.latchkey.staff;

import dev.latchkey.customer.EmailAddress;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.credential.PasswordHasher;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.lockout.LockoutService.Verdict;
import dev.latchkey.tenant.Tenant;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.tenant.TenantSettings;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Staff log-in, for the admin API and the dashboard alike. It follows the shoppers' rules: an unknown tenant or
 * email, a wrong password and a locked account fail alike (401 {@code invalid_credentials}) after one password
 * verification; the tenant's lockout threshold and duration lock the staff account, doubling per lock.
 */
public final class StaffLogins {
    /** A successful login: who it is and the new session's token. */
    public record LoggedIn(AdminPrincipal principal, StaffSessions.Issued session) {
    }

    private final Database db;
    private final StaffStore store = new StaffStore();
    private final StaffSessions sessions;
    private final TenantService tenants;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final StaffLockout lockout;

    public StaffLogins(Database db, StaffSessions sessions, TenantService tenants, PasswordHasher hasher,
                       AuditLog audit, StaffLockout lockout) {
        this.db = db;
        this.sessions = sessions;
        this.tenants = tenants;
        this.hasher = hasher;
        this.audit = audit;
        this.lockout = lockout;
    }

    public LoggedIn login(String tenantId, String email, String password, StaffSessionKind kind, ClientInfo client) {
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
        Verdict verdict = lockout.book(tenantId, settings.get(), account, passwordOk, actor);
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
        record Outcome(LoggedIn loggedIn, String failure) {
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
            StaffSessions.Issued issued = sessions.issue(h, tenantId, staff.id(), kind, actor);
            audit.record(h, tenantId, null, AuditType.STAFF_LOGIN_SUCCEEDED, actor, Map.of("kind", kind.wire()));
            Staff current = locked.get().staff();
            return new Outcome(new LoggedIn(new AdminPrincipal(tenantId, current.roleValue(), current.id()), issued),
                    null);
        });
        if (outcome.failure() != null) {
            // removed, or given another password, after the password was checked
            audit.record(tenantId, null, AuditType.STAFF_LOGIN_FAILED, actor, Map.of("reason", outcome.failure()));
            throw CustomerService.invalidCredentials();
        }
        return outcome.loggedIn();
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
