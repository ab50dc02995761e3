package dev.latchkey.staff;

import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.credential.PasswordPolicy;
import dev.latchkey.customer.EmailAddress;
import dev.latchkey.http.JsonInput;

import java.util.Optional;

/** Reads a new staff member from a request body: {@code email}, {@code password} and, where it may be chosen, {@code role}. */
public final class StaffInput {
    private StaffInput() {
    }

    /** With {@code fixedRole} null the body names the role (default support); otherwise that role is taken. */
    public static StaffService.NewStaff read(JsonInput in, AdminPrincipal.Role fixedRole) {
        String email = EmailAddress.required(in, "email");
        String password = in.required("password", PasswordPolicy.MAX_FIELD_LENGTH);
        AdminPrincipal.Role role = fixedRole != null ? fixedRole : role(in).orElse(AdminPrincipal.Role.SUPPORT);
        return new StaffService.NewStaff(email == null ? null : email.trim(), password, role);
    }

    /** The {@code role} a body must name, or null with the refusal recorded in {@code in}. */
    public static AdminPrincipal.Role requiredRole(JsonInput in) {
        Optional<AdminPrincipal.Role> role = role(in);
        if (role.isEmpty() && !in.hasErrorFor("role")) {
            in.reject("role", "required", "role is required.");
        }
        return role.orElse(null);
    }

    private static Optional<AdminPrincipal.Role> role(JsonInput in) {
        Optional<String> raw = in.string("role", 32);
        Optional<AdminPrincipal.Role> role = raw.flatMap(AdminPrincipal.Role::fromWire);
        if (raw.isPresent() && role.isEmpty()) {
            in.reject("role", "invalid", "role must be owner or support.");
        }
        return role;
    }
}
