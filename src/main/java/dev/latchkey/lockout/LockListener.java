package dev.latchkey.lockout;

/**
 * Told once per lock, after the lock is stored. The owner's notice mail (with a hint to reset the password) is a
 * listener; so is the audit log. A listener that fails is logged and does not change the login answer.
 */
@FunctionalInterface
public interface LockListener {
    void locked(AccountLocked event);
}
