package dev.latchkey.lockout;

import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;

import java.util.Map;

/** Records each lock in the audit log. */
public final class AuditLockListener implements LockListener {
    private final AuditLog audit;

    public AuditLockListener(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public void locked(AccountLocked event) {
        audit.record(event.tenantId(), event.customerId(), AuditType.ACCOUNT_LOCKED, event.client(), Map.of(
                "locked_until", event.lockedUntil().toString(),
                "lock_count", event.lockCount(),
                "duration_seconds", event.durationSeconds()));
    }
}
