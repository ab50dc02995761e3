package dev.latchkey.staff;

import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.db.Database;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.lockout.LockState;
import dev.latchkey.lockout.LockoutService.Verdict;
import dev.latchkey.lockout.LockoutStore;
import dev.latchkey.tenant.TenantSettings;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

/**
 * A staff member's password attempts under the tenant's lockout rules: a login's, and the current password a member
 * gives to change their own, since whoever holds a member's session must not guess it there without limit.
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
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        return db.tx(h -> {
            Optional<LockState> stored = LockoutStore.STAFF.find(h, tenantId, account.staff().id(), true);
            if (stored.isEmpty()) {
                return Verdict.WRONG_PASSWORD; // removed meanwhile
            }
            LockState.Decision decision = stored.get().decide(now, passwordOk, settings);
            if (!decision.next().equals(stored.get())) {
                LockoutStore.STAFF.write(h, tenantId, account.staff().id(), decision.next());
            }
            if (decision.lockedNow()) {
                audit.record(h, tenantId, null, AuditType.STAFF_LOCKED, actor, Map.of(
                        "locked_until", decision.next().lockedUntil().toString(),
                        "lock_count", decision.next().lockCount()));
            }
            return decision.verdict();
        });
    }
}
