package dev.latchkey.auth;

import java.util.Optional;

/** Resolves a staff member's session token ({@code stf_...}) to the admin it stands for; the staff feature provides it. */
@FunctionalInterface
public interface StaffTokens {
    Optional<AdminPrincipal> authenticate(String rawToken);
}
