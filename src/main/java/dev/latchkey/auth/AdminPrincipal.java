package dev.latchkey.auth;

import dev.latchkey.audit.Actor;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Who is calling an admin route: one of the tenant's secret keys (acting as owner, within the key's {@code scopes}) or
 * a staff member's session (whose role is all that limits them). Support staff may look at customers and help them
 * (unlock, end sessions, resend verification, send a password-reset mail), not change settings, keys or delete anyone.
 */
public record AdminPrincipal(String tenantId, Role role, String staffId, Set<Permission> scopes) {
    public enum Role {
        OWNER(EnumSet.allOf(Permission.class)),
        SUPPORT(EnumSet.of(Permission.VIEW_CUSTOMERS, Permission.RESET_LOCKOUTS, Permission.RESET_MFA,
                Permission.REVOKE_SESSIONS,
                Permission.RESEND_VERIFICATION, Permission.SEND_PASSWORD_RESET, Permission.VIEW_AUDIT));

        private final Set<Permission> permissions;

        Role(Set<Permission> permissions) {
            this.permissions = permissions;
        }

        public boolean can(Permission permission) {
            return permissions.contains(permission);
        }

        public String wire() {
            return name().toLowerCase();
        }

        /** The role a request names ({@code owner} or {@code support}), if it names one. */
        public static Optional<Role> fromWire(String wire) {
            return Arrays.stream(values()).filter(role -> role.wire().equals(wire)).findFirst();
        }
    }

    public AdminPrincipal {
        scopes = Permission.copyOf(scopes);
    }

    /** A staff member. */
    public AdminPrincipal(String tenantId, Role role, String staffId) {
        this(tenantId, role, staffId, Permission.all());
    }

    public static AdminPrincipal secretKey(String tenantId, Set<Permission> scopes) {
        return new AdminPrincipal(tenantId, Role.OWNER, null, scopes);
    }

    public boolean can(Permission permission) {
        return role.can(permission) && scopes.contains(permission);
    }

    /**
     * Whether this caller may do all that {@code permissions} allow: a secret key may not make, empower, take over or
     * remove a staff member or key that could do more than the key itself.
     */
    public boolean canAll(Set<Permission> permissions) {
        return permissions.stream().allMatch(this::can);
    }

    /** {@link #canAll} for what a staff member of {@code role} may do. */
    public boolean canAllOf(Role role) {
        return canAll(role.permissions);
    }

    /** The caller as the audit log names them. */
    public Actor actor() {
        return new Actor(staffId);
    }
}
