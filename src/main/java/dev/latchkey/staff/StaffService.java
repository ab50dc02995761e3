package dev.latchkey.staff;

import dev.latchkey.customer.EmailAddress;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.auth.Permission;
import dev.latchkey.auth.Secrets;
import dev.latchkey.auth.TokenService;
import dev.latchkey.credential.PasswordHasher;
import dev.latchkey.credential.PasswordPolicy;
import dev.latchkey.customer.CustomerService;
import dev.latchkey.db.Database;
import dev.latchkey.db.UniqueViolation;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.Listing;
import dev.latchkey.ratelimit.LimitedAction;
import dev.latchkey.ratelimit.RateLimits;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.Cursor;
import dev.latchkey.http.FieldError;
import dev.latchkey.http.Page;
import dev.latchkey.lockout.LockState;
import dev.latchkey.lockout.LockoutService;
import dev.latchkey.lockout.LockoutStore;
import dev.latchkey.tenant.TenantService;
import dev.latchkey.tenant.TenantSettings;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The merchant's staff accounts: created by the operator with the tenant or by an owner, given another role or removed
 * by an owner. Their
 * passwords follow the shoppers' policy and hashing; their logins are in {@link StaffLogins}.
 */
public final class StaffService {
    /** A staff member to create; the password is checked by {@link #passwordProblem} before. */
    public record NewStaff(String email, String password, AdminPrincipal.Role role) {
    }

    private final Database db;
    private final StaffStore store = new StaffStore();
    private final StaffSessions sessions;
    private final RateLimits limits;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final TenantService tenants;
    private final StaffLockout lockout;
    private final AuditLog audit;
    private final Clock clock;
    /** Ends the impersonations of a member who may no longer start them. */
    private final TokenService tokens;

    public StaffService(Database db, StaffSessions sessions, PasswordHasher hasher, PasswordPolicy policy,
                        TenantService tenants, StaffLockout lockout, RateLimits limits, AuditLog audit, Clock clock,
                        TokenService tokens) {
        this.tokens = tokens;
        this.limits = limits;
        this.db = db;
        this.sessions = sessions;
        this.hasher = hasher;
        this.policy = policy;
        this.tenants = tenants;
        this.lockout = lockout;
        this.audit = audit;
        this.clock = clock;
    }

    /** Why this password may not be a staff password under these settings, if it may not. */
    public Optional<FieldError> passwordProblem(String field, String password, String email, TenantSettings settings) {
        return policy.check(field, password, settings, new PasswordPolicy.Person(email, null, null));
    }

    /** An owner (or the secret key) adds a member; refused if the caller stopped being an owner meanwhile. */
    public Staff create(AdminPrincipal who, NewStaff input, ClientInfo client) {
        requireCanAllOf(who, input.role());
        Staff staff = draft(input);
        String hash = hasher.hash(input.password());
        return db.tx(h -> {
            lockOwnersFor(h, who);
            return insert(h, who.tenantId(), staff, hash, client);
        });
    }

    /** A staff member checked and hashed, to be inserted in a transaction that should not wait for the hash. */
    public record Prepared(Staff staff, String passwordHash) {
    }

    /**
     * Checks the password under {@code settings} (422 naming {@code field} when refused) and hashes it, before any
     * transaction: for the tenant's first owner, inserted with the tenant by {@link #insert(Handle, String, Prepared,
     * ClientInfo)}.
     */
    public Prepared prepare(TenantSettings settings, NewStaff input, String field) {
        passwordProblem(field, input.password(), input.email(), settings).ifPresent(error -> {
            throw ApiError.validation(List.of(error));
        });
        return new Prepared(draft(input), hasher.hash(input.password()));
    }

    public Staff insert(Handle h, String tenantId, Prepared prepared, ClientInfo client) {
        return insert(h, tenantId, prepared.staff(), prepared.passwordHash(), client);
    }

    private Staff draft(NewStaff input) {
        Instant now = now();
        return new Staff(Secrets.id("staff"), EmailAddress.normalise(input.email()), input.role().wire(), false, now,
                now);
    }

    private Staff insert(Handle h, String tenantId, Staff staff, String hash, ClientInfo client) {
        try {
            store.insert(h, tenantId, staff, hash);
        } catch (RuntimeException e) {
            if (UniqueViolation.is(e)) {
                throw CustomerService.emailTaken();
            }
            throw e;
        }
        audit.record(h, tenantId, null, AuditType.STAFF_CREATED, client,
                Map.of("created_staff_id", staff.id(), "role", staff.role()));
        return staff;
    }

    public Page<Staff> list(String tenantId, Cursor after, int limit) {
        List<Staff> rows = db.read(h -> store.list(h, tenantId, after, limit + 1));
        return Page.of(rows, limit, Listing.STAFF, last -> new Cursor(last.createdAt(), last.id()));
    }

    public Staff get(String tenantId, String id) {
        return db.read(h -> store.find(h, tenantId, id)).orElseThrow(() -> ApiError.notFound("Staff member"));
    }

    /**
     * Removes a staff member and ends their sessions and impersonations at once. The last owner stays (409
     * {@code last_owner}): the dashboard would otherwise have nobody to manage it.
     */
    public void delete(AdminPrincipal who, String id, ClientInfo client) {
        String tenantId = who.tenantId();
        db.tx(h -> {
            List<String> owners = lockOwnersFor(h, who);
            // locked before their sessions go: a login under way either committed its session, deleted here, or
            // waits and finds nobody
            Staff staff = store.findAccountById(h, tenantId, id, true).map(StaffAccount::staff)
                    .orElseThrow(() -> ApiError.notFound("Staff member"));
            requireCanAllOf(who, staff);
            if (owners.size() == 1 && owners.contains(id)) {
                throw new ApiError(409, "last_owner", "The last owner cannot be removed; add another owner first.");
            }
            sessions.deleteAllOf(h, tenantId, id);
            store.delete(h, tenantId, id);
            audit.record(h, tenantId, null, AuditType.STAFF_DELETED, client,
                    Map.of("deleted_staff_id", id, "role", staff.role()));
            endImpersonations(h, who, id, "staff_removed", client);
            return null;
        });
    }

    /**
     * Gives a staff member another role, from their next request on (a staff session reads its role afresh each
     * time). The last owner stays one (409 {@code last_owner}). The same role again changes and records nothing. A
     * role without {@code impersonate_customers} ends the member's impersonations under way.
     */
    public Staff changeRole(AdminPrincipal who, String id, AdminPrincipal.Role role, ClientInfo client) {
        String tenantId = who.tenantId();
        return db.tx(h -> {
            List<String> owners = lockOwnersFor(h, who);
            Staff staff = store.findAccountById(h, tenantId, id, true).map(StaffAccount::staff)
                    .orElseThrow(() -> ApiError.notFound("Staff member"));
            requireCanAllOf(who, staff);
            requireCanAllOf(who, role);
            if (staff.role().equals(role.wire())) {
                return staff;
            }
            if (owners.size() == 1 && owners.contains(id)) {
                throw new ApiError(409, "last_owner", "The last owner must stay an owner; make another member an owner "
                        + "first.");
            }
            Instant now = now();
            store.setRole(h, tenantId, id, role.wire(), now);
            audit.record(h, tenantId, null, AuditType.STAFF_ROLE_CHANGED, client,
                    Map.of("changed_staff_id", id, "from", staff.role(), "to", role.wire()));
            if (!role.can(Permission.IMPERSONATE_CUSTOMERS)) {
                endImpersonations(h, who, id, "staff_role_changed", client);
            }
            return new Staff(id, staff.email(), role.wire(), staff.mfaEnabled(), staff.createdAt(), now);
        });
    }

    /**
     * A secret key with {@code manage_staff} but fewer scopes than a member of {@code role} holds may not make such a
     * member, nor change, remove or set the password of one: it would log in as them and do more than the key may.
     */
    private static void requireCanAllOf(AdminPrincipal who, AdminPrincipal.Role role) {
        if (!who.canAllOf(role)) {
            throw ApiError.insufficientScope("This key lacks scopes a staff member of the " + role.wire()
                    + " role holds: it may not make, change or take over such a member.");
        }
    }

    static void requireCanAllOf(AdminPrincipal who, Staff member) {
        requireCanAllOf(who, AdminPrincipal.Role.fromWire(member.role()).orElseThrow());
    }

    /**
     * The tenant's owners, locked, for a change an owner makes to the staff: 403 when the caller is a staff member no
     * longer among them. Their role was checked as the request came in; a demotion that committed since must not let
     * a request already under way demote someone else, or promote the caller back.
     */
    List<String> lockOwnersFor(Handle h, AdminPrincipal who) {
        List<String> owners = store.lockOwners(h, who.tenantId());
        if (who.staffId() != null && !owners.contains(who.staffId())) {
            throw ApiError.insufficientScope("Your role changed while this request waited: it needs an owner.");
        }
        return owners;
    }

    /**
     * The calling staff member's own new password, given their current one (403 {@code invalid_credentials} when it is
     * wrong). Every other session of theirs ends; the one of {@code keptToken}, which asked, goes on.
     */
    public void changeOwnPassword(AdminPrincipal who, String keptToken, String currentPassword, String newPassword,
                                  ClientInfo client) {
        if (who.staffId() == null) {
            throw ApiError.insufficientScope("Only a staff member's own session changes its password; an owner sets "
                    + "another member's with POST /v1/admin/staff/{id}/password.");
        }
        StaffAccount account = account(who.tenantId(), who.staffId());
        requireAllowed(who.tenantId(), account, newPassword);
        checkOwnPassword(who.tenantId(), account, currentPassword, "password_change", client);
        PasswordPolicy.requireNew(currentPassword, newPassword);
        replacePassword(who.tenantId(), account, newPassword, keptToken, null, client);
    }

    /**
     * Confirms the dashboard session of {@code sessionToken} with its staff member's password (403
     * {@code invalid_credentials} when it is wrong): the pages that could hand the shop to someone else act for
     * {@link StaffSessions#CONFIRMATION_WINDOW} after it, in this session only.
     */
    public void confirm(AdminPrincipal who, String sessionToken, String password, ClientInfo client) {
        StaffAccount account = account(who.tenantId(), who.staffId());
        checkOwnPassword(who.tenantId(), account, password, "confirm", client);
        db.tx(h -> {
            sessions.confirm(h, who.tenantId(), sessionToken);
            audit.record(h, who.tenantId(), null, AuditType.STAFF_CONFIRMED, client, Map.of());
            return null;
        });
    }

    /**
     * The password a member re-enters in a logged-in session for {@code action}, else 403 {@code invalid_credentials}.
     * A failed authentication as much as a refused login: whoever holds the session may be guessing, so the attempt is
     * booked under the lockout as a login's is, and a locked account's right password is refused too.
     */
    void checkOwnPassword(String tenantId, StaffAccount account, String password, String action,
                                  ClientInfo client) {
        boolean passwordOk = hasher.verify(password, account.passwordHash());
        if (lockout.book(tenantId, tenants.settings(tenantId), account, passwordOk, client)
                != LockoutService.Verdict.ALLOWED) {
            audit.record(tenantId, null, AuditType.STAFF_PASSWORD_CHECK_FAILED, client,
                    Map.of("action", action, "reason", passwordOk ? "locked" : "wrong_password"));
            throw ApiError.wrongCurrentPassword();
        }
    }

    /**
     * An owner's new password for a staff member who forgot theirs: all their sessions and impersonations end and a
     * lockout is lifted, so they log in with it at once. Never the caller's own (403): that change asks for the current
     * password.
     */
    public void setPassword(AdminPrincipal who, String staffId, String newPassword, ClientInfo client) {
        if (staffId.equals(who.staffId())) {
            // whoever holds an owner's session must not take the account over without knowing its password
            throw ApiError.insufficientScope("Your own password is changed with your current one: on the dashboard's "
                    + "Your account page, or with POST /v1/admin/staff/password.");
        }
        String tenantId = who.tenantId();
        StaffAccount account = account(tenantId, staffId);
        requireCanAllOf(who, account.staff());
        requireAllowed(tenantId, account, newPassword);
        replacePassword(tenantId, account, newPassword, null, who, client);
        // the member's login bucket, which others may have spent by trying the address, comes back with the password
        limits.forgetAccount(tenantId, LimitedAction.STAFF_LOGIN, account.staff().email());
    }

    StaffAccount account(String tenantId, String staffId) {
        return db.read(h -> store.findAccountById(h, tenantId, staffId, false))
                .orElseThrow(() -> ApiError.notFound("Staff member"));
    }

    private void requireAllowed(String tenantId, StaffAccount account, String password) {
        passwordProblem("new_password", password, account.staff().email(), tenants.settings(tenantId))
                .ifPresent(error -> {
                    throw ApiError.validation(List.of(error));
                });
    }

    /**
     * {@code keptToken} is the session of a member changing their own password; null for an owner's reset, made by
     * {@code owner} (null for a member's own change), who must still be one once the owners are locked. A member's own
     * change applies only to the hash their current password was checked against, so that of two changes at once the
     * second is refused (and recorded) rather than silently overwriting the first.
     */
    private void replacePassword(String tenantId, StaffAccount account, String password, String keptToken,
                                 AdminPrincipal owner, ClientInfo client) {
        String hash = hasher.hash(password);
        String id = account.staff().id();
        boolean byOwner = keptToken == null;
        boolean replaced = db.tx(h -> {
            if (owner != null) {
                // the hash took a while: an owner demoted or removed since must not take over an account now
                lockOwnersFor(h, owner);
            }
            StaffAccount locked = store.findAccountById(h, tenantId, id, true)
                    .orElseThrow(() -> ApiError.notFound("Staff member")); // removed meanwhile
            if (!byOwner && !Objects.equals(locked.passwordHash(), account.passwordHash())) {
                audit.record(h, tenantId, null, AuditType.STAFF_PASSWORD_CHECK_FAILED, client,
                        Map.of("action", "password_change", "reason", "password_changed"));
                return false;
            }
            store.setPasswordHash(h, tenantId, id, hash, now());
            sessions.revokeAllOf(h, tenantId, id, keptToken);
            if (byOwner) {
                LockoutStore.STAFF.write(h, tenantId, id, LockState.NONE);
                endImpersonations(h, owner, id, "staff_password_set", client);
            }
            audit.record(h, tenantId, null, AuditType.STAFF_PASSWORD_CHANGED, client,
                    Map.of("changed_staff_id", id, "by", byOwner ? "owner" : "self"));
            return true;
        });
        if (!replaced) {
            throw ApiError.wrongCurrentPassword();
        }
    }

    /**
     * In {@code h}'s transaction, which changes the member {@code staffId} as {@code who} asked: the impersonations the
     * member started end, each recorded about its customer as {@code session.revoked} with {@code reason}. Whoever
     * had the member's password, session or second factor must not keep a shopper's session either.
     */
    void endImpersonations(Handle h, AdminPrincipal who, String staffId, String reason, ClientInfo client) {
        tokens.endImpersonations(h, who.tenantId(), staffId, reason, who.actor(), client, List.of());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
