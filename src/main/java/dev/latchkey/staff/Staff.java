package dev.latchkey.staff;

import dev.latchkey.auth.AdminPrincipal;

import java.time.Instant;

/**
 * A staff member of a merchant, as the admin API and the dashboard show it: never the password hash. {@code mfaEnabled}
 * tells whether their login asks for a second factor.
 */
public record Staff(String id, String email, String role, boolean mfaEnabled, Instant createdAt, Instant updatedAt) {
    public AdminPrincipal.Role roleValue() {
        return AdminPrincipal.Role.valueOf(role.toUpperCase());
    }
}
