package dev.latchkey.staff;

import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.ratelimit.LimitedAction;
import dev.latchkey.ratelimit.RateLimits;
import io.javalin.http.Context;

/**
 * A staff member's password re-entered in a logged-in session (to change it, or to confirm a dashboard session) can be
 * guessed there as at log-in: such guesses share the member's login bucket.
 */
public final class StaffPasswordGuesses {
    private final RateLimits limits;
    private final StaffService staff;

    public StaffPasswordGuesses(RateLimits limits, StaffService staff) {
        this.limits = limits;
        this.staff = staff;
    }

    /** Counts one guess by {@code who} (429 once the bucket is empty); the secret key, nobody's password, has none. */
    public void count(Context ctx, AdminPrincipal who) {
        if (who.staffId() != null) {
            limits.enforce(ctx, who.tenantId(), LimitedAction.STAFF_LOGIN,
                    staff.get(who.tenantId(), who.staffId()).email());
        }
    }
}
