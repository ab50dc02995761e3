package dev.latchkey.dashboard;

import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.auth.Permission;

/**
 * A logged-in staff member on a dashboard request: who, the cookie's token, the CSRF token of their forms, and whether
 * they re-entered their password in this session lately (see {@link GuardedPage}).
 */
record DashboardSession(AdminPrincipal principal, String token, String csrf, boolean confirmed) {
    boolean can(Permission permission) {
        return principal.can(permission);
    }
}
