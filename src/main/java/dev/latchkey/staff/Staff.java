package dev.latchkey.staff;

import dev.latchkey.auth.AdminPrincipal;

import java.time.Instant;

/** A staff member of a merchant, as the admin API and the dashboard show it: never the password hash. */
public record Staff(String id, String email, String role, Instant createdAt, Instant updatedAt) {
    public AdminPrincipal.Role roleValue() {
        return AdminPrincipal.Role.valueOf(role.toUpperCase());
    }
}
