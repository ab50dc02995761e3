package dev.latchkey.audit;

import org.jdbi.v3.core.Handle;

/**
 * Whether the staff member an admin change is recorded for may still make it, asked in the change's own transaction:
 * their role was checked as the request came in, and a demotion that committed since must not let a change already
 * under way through. The check holds their row until the change commits, so a demotion waits for it or comes first.
 */
@FunctionalInterface
public interface ActorCheck {
    /** 403 {@code insufficient_scope} when {@code actor} is a staff member no longer allowed the change. */
    void stillPermitted(Handle h, String tenantId, Actor actor);
}
