package dev.latchkey.dashboard;

import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.auth.Permission;

/**
 * A logged-in staff member on a dashboard request: who, the cookie's token, the CSRF token of their forms, whether
 * they re-entered their password in this session lately (see {@link GuardedPage}), and whether the shop requires a
 * second factor they have not set up (then only its set-up and the logout serve, see {@link MfaSetupRequired}).
 */
record DashboardSession(AdminPrincipal principal, String token, String csrf, boolean confirmed,
                        boolean mfaSetupRequired) {
    /** This session once its member has set up their second factor: every page serves it from now on. */
    DashboardSession withSecondFactor() {
        return new DashboardSession(principal, token, csrf, confirmed, false);
    }

    boolean can(Permission permission) {
        return principal.can(permission);
    }
}
