package dev.latchkey.staff;

import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.mfa.SecondFactor;
import dev.latchkey.tenant.TenantService;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A staff member's own second factor (an authenticator app and recovery codes, as the customers have), set up in a
 * dashboard session confirmed with the password lately; and an owner's reset of another member's, for a lost phone.
 * A wrong code where the member proves who they are counts toward their lockout as a wrong password does.
 */
public final class StaffMfa {
    /**
     * Whether the member's login asks for a code, how many unused recovery codes they hold, and whether the shop
     * requires it of its staff (then they cannot turn it off).
     */
    public record Status(boolean enabled, int recoveryCodesRemaining, boolean required) {
    }

    private final Database db;
    private final StaffStore store = new StaffStore();
    private final StaffService staff;
    private final StaffSessions sessions;
    private final SecondFactor factor;
    private final TenantService tenants;
    private final StaffLockout lockout;
    private final AuditLog audit;
    private final Clock clock;

    public StaffMfa(Database db, StaffService staff, StaffSessions sessions, SecondFactor factor, TenantService tenants,
                    StaffLockout lockout, AuditLog audit, Clock clock) {
        this.db = db;
        this.staff = staff;
        this.sessions = sessions;
        this.factor = factor;
        this.tenants = tenants;
        this.lockout = lockout;
        this.audit = audit;
        this.clock = clock;
    }

    public Status status(AdminPrincipal who) {
        return db.read(h -> {
            Staff self = member(h, who.tenantId(), who.staffId(), false);
            return new Status(self.mfaEnabled(), factor.unusedRecoveryCodes(h, who.tenantId(), self.id()),
                    tenants.settings(who.tenantId()).requireStaffMfa());
        });
    }

    /**
     * A new seed, pending until a code of it is confirmed; it replaces one shown before and not confirmed. 409
     * {@code mfa_already_enabled} when the member has a second factor: it is turned off first.
     */
    public SecondFactor.Enrolment start(AdminPrincipal who) {
        String shop = tenants.tenant(who.tenantId()).name();
        return db.tx(h -> {
            Staff self = member(h, who.tenantId(), who.staffId(), true);
            requireOff(self);
            return factor.start(h, who.tenantId(), self.id(), shop + " dashboard", self.email());
        });
    }

    /**
     * A code of the pending seed turns the second factor on and answers the first recovery codes, shown only now; the
     * member's other sessions end, as they were opened with the password alone. 409 {@code mfa_not_pending} without a
     * pending seed; 403 {@code invalid_code} for a wrong code (not counted: only this session saw the seed).
     */
    public List<String> confirm(AdminPrincipal who, String keptToken, String code, ClientInfo client) {
        Optional<List<String>> codes = db.tx(h -> {
            Staff self = member(h, who.tenantId(), who.staffId(), true);
            requireOff(self);
            Optional<List<String>> fresh = factor.confirm(h, who.tenantId(), self.id(), code,
                    "set up an authenticator");
            if (fresh.isPresent()) {
                store.setMfaEnabledAt(h, who.tenantId(), self.id(), clock.instant().truncatedTo(ChronoUnit.MILLIS));
                sessions.revokeAllOf(h, who.tenantId(), self.id(), keptToken);
                audit.record(h, who.tenantId(), null, AuditType.STAFF_MFA_ENABLED, client,
                        Map.of("method", SecondFactor.TOTP));
            }
            return fresh;
        });
        return codes.orElseThrow(() -> wrongCode(who, "confirm", false, client));
    }

    /**
     * Turns the member's second factor off with their password and a code (TOTP or recovery code). 409
     * {@code staff_mfa_required} while the shop requires it of its staff, before the password and the code are
     * checked, so that nothing is spent: turned off, the member could do nothing but set it up again.
     */
    public void disable(AdminPrincipal who, String password, String code, ClientInfo client) {
        if (tenants.settings(who.tenantId()).requireStaffMfa()) {
            throw new ApiError(409, "staff_mfa_required", "This shop requires two-step sign-in of its staff: yours "
                    + "cannot be turned off while it does. An owner can reset it if you lost your phone.");
        }
        withSecondFactor(who, password, code, "disable", client, h -> {
            turnOff(h, who.tenantId(), who.staffId());
            audit.record(h, who.tenantId(), null, AuditType.STAFF_MFA_DISABLED, client, Map.of());
            return null;
        });
    }

    /** A new set of recovery codes with the password and a code; the previous set is void. */
    public List<String> regenerateRecoveryCodes(AdminPrincipal who, String password, String code,
                                                ClientInfo client) {
        return withSecondFactor(who, password, code, "recovery_codes", client, h -> {
            List<String> fresh = factor.newRecoveryCodes(h, who.tenantId(), who.staffId());
            audit.record(h, who.tenantId(), null, AuditType.STAFF_MFA_RECOVERY_CODES_REGENERATED, client, Map.of());
            return fresh;
        });
    }

    private interface Change<T> {
        T apply(Handle h);
    }

    private record Checked<T>(boolean matched, T changed) {
    }

    private <T> T withSecondFactor(AdminPrincipal who, String password, String code, String action,
                                   ClientInfo client, Change<T> change) {
        staff.checkOwnPassword(who.tenantId(), staff.account(who.tenantId(), who.staffId()), password,
                "mfa_" + action, client);
        Checked<T> checked = db.tx(h -> {
            Staff self = member(h, who.tenantId(), who.staffId(), true);
            if (!self.mfaEnabled()) {
                throw notEnabled();
            }
            var match = factor.match(h, who.tenantId(), self.id(), code);
            if (match.isEmpty()) {
                return new Checked<T>(false, null);
            }
            factor.use(h, who.tenantId(), self.id(), match.get());
            return new Checked<>(true, change.apply(h));
        });
        if (!checked.matched()) {
            throw wrongCode(who, action, true, client);
        }
        return checked.changed();
    }

    /**
     * An owner turns another member's second factor off (a lost phone), after checking who asks by their own means;
     * the member logs in with the password alone until they set it up again, and their impersonations under way end.
     * Never the owner's own (403): whoever holds an owner's session must not drop the owner's second factor. 409
     * {@code mfa_not_enabled} when it is off.
     */
    public void reset(AdminPrincipal owner, String staffId, ClientInfo client) {
        if (staffId.equals(owner.staffId())) {
            throw ApiError.insufficientScope("Your own two-step sign-in is turned off with your password and a code, "
                    + "on the dashboard's Two-step sign-in page.");
        }
        db.tx(h -> {
            staff.lockOwnersFor(h, owner);
            Staff member = member(h, owner.tenantId(), staffId, true);
            StaffService.requireCanAllOf(owner, member);
            if (!member.mfaEnabled()) {
                throw notEnabled();
            }
            turnOff(h, owner.tenantId(), staffId);
            audit.record(h, owner.tenantId(), null, AuditType.STAFF_MFA_RESET, client,
                    Map.of("reset_staff_id", staffId));
            // a reset answers a lost phone, perhaps lost with the account: what the account started ends
            staff.endImpersonations(h, owner, staffId, "staff_mfa_reset", client);
            return null;
        });
    }

    private void turnOff(Handle h, String tenantId, String staffId) {
        factor.delete(h, tenantId, staffId);
        store.setMfaEnabledAt(h, tenantId, staffId, null);
    }

    private Staff member(Handle h, String tenantId, String staffId, boolean forUpdate) {
        if (staffId == null) {
            throw ApiError.insufficientScope("Only a staff member has a second factor of their own; a secret key has "
                    + "none.");
        }
        return store.findAccountById(h, tenantId, staffId, forUpdate).map(StaffAccount::staff)
                .orElseThrow(() -> ApiError.notFound("Staff member"));
    }

    private static void requireOff(Staff self) {
        if (self.mfaEnabled()) {
            throw new ApiError(409, "mfa_already_enabled", "Two-step sign-in is on already; turn it off first to set "
                    + "up another authenticator.");
        }
    }

    private static ApiError notEnabled() {
        return new ApiError(409, "mfa_not_enabled", "Two-step sign-in is not on for this staff member.");
    }

    /** A wrong code from the member proving who they are: recorded, counted unless {@code counted} is false, 403. */
    private ApiError wrongCode(AdminPrincipal who, String action, boolean counted, ClientInfo client) {
        if (counted) {
            db.tx(h -> lockout.book(h, who.tenantId(), tenants.settings(who.tenantId()), who.staffId(), false,
                    client));
        }
        audit.record(who.tenantId(), null, AuditType.STAFF_MFA_CHECK_FAILED, client,
                Map.of("action", action, "reason", "wrong_code"));
        return SecondFactor.wrongCode();
    }
}
