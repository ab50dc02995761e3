package dev.latchkey.staff;

import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.db.Database;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.lockout.LockState;
import dev.latchkey.lockout.LockoutService.Verdict;
import dev.latchkey.lockout.LockoutStore;
import dev.latchkey.tenant.TenantSettings;
import org.jdbi.v3.core.Handle;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

/**
 * A staff member's password attempts under the tenant's lockout rules: a login's (and its second factor's codes), and
 * the current password a member gives to change their own, since whoever holds a member's session must not guess it
 * there without limit.
 */
public final class StaffLockout {
    private final Database db;
    private final AuditLog audit;
    private final Clock clock;

    public StaffLockout(Database db, AuditLog audit, Clock clock) {
        this.db = db;
        this.audit = audit;
        this.clock = clock;
    }

    /** Books the attempt on the staff row, in a transaction of its own, and records a lock in the audit log. */
    Verdict book(String tenantId, TenantSettings settings, StaffAccount account, boolean passwordOk,
                 ClientInfo actor) {
        return db.tx(h -> book(h, tenantId, settings, account.staff().id(), passwordOk, actor));
    }

    /**
     * A right password of a member with a second factor: refused while locked, but the failures stay counted until the
     * code is right too, so that whoever has the password cannot guess codes login after login below the threshold.
     */
    Verdict bookFirstFactor(String tenantId, StaffAccount account) {
        Instant now = clock.instant();
        return db.read(h -> LockoutStore.STAFF.find(h, tenantId, account.staff().id(), false))
                .map(state -> state.locked(now) ? Verdict.LOCKED : Verdict.ALLOWED)
                .orElse(Verdict.WRONG_PASSWORD);
    }

    /**
     * {@link #book} in the caller's transaction, for a second factor's code checked under the row lock: a right code
     * of a locked account is refused as a right password is.
     */
    Verdict book(Handle h, String tenantId, TenantSettings settings, String staffId, boolean passwordOk,
                 ClientInfo actor) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Optional<LockState> stored = LockoutStore.STAFF.find(h, tenantId, staffId, true);
        if (stored.isEmpty()) {
            return Verdict.WRONG_PASSWORD; // removed meanwhile
        }
        LockState.Decision decision = stored.get().decide(now, passwordOk, settings);
        if (!decision.next().equals(stored.get())) {
            LockoutStore.STAFF.write(h, tenantId, staffId, decision.next());
        }
        if (decision.lockedNow()) {
            audit.record(h, tenantId, null, AuditType.STAFF_LOCKED, actor, Map.of(
                    "locked_until", decision.next().lockedUntil().toString(),
                    "lock_count", decision.next().lockCount()));
        }
        return decision.verdict();
    }
}
