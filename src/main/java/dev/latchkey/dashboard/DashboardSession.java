package dev.latchkey.dashboard;

import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.auth.Permission;

/** A logged-in staff member on a dashboard request: who, the cookie's token, and the CSRF token of their forms. */
record DashboardSession(AdminPrincipal principal, String token, String csrf) {
    boolean can(Permission permission) {
        return principal.can(permission);
    }
}
