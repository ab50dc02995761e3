package dev.latchkey.dashboard;

import dev.latchkey.auth.AdminPrincipal;
import dev.latchkey.auth.Permission;

/**
 * What the layout around every page needs: the title, which section is current, whether a staff member is logged in
 * (and may see the owner's sections), whether their shop is suspended (no page of it to lead to, but the log-out form
 * stays), the CSRF token for the log-out form, a notice to show (or null), and whether the member must set up two-step
 * sign-in first (no page but its set-up to lead to either).
 */
public record Frame(String title, String section, boolean signedIn, boolean owner, String role, String csrf,
                    Flash notice, boolean suspended, boolean mfaSetupRequired) {
    /** A notice after a form's redirect: what was done, or why nothing was ({@code refusal}). */
    public record Flash(String text, boolean refusal) {
    }

    /** Whether the navigation shows: a member signed in, with the shop's pages open to them. */
    public boolean navigation() {
        return signedIn && !suspended && !mfaSetupRequired;
    }

    /** Whether the member's role may read the audit log: the Activity page. */
    public boolean mayViewAudit() {
        return roleCan(Permission.VIEW_AUDIT);
    }

    /** Whether the member's role may change the shop's mail: the Notifications page. */
    public boolean mayEditMailTemplates() {
        return roleCan(Permission.MANAGE_TEMPLATES);
    }

    private boolean roleCan(Permission permission) {
        return role != null && AdminPrincipal.Role.fromWire(role).filter(r -> r.can(permission)).isPresent();
    }

    public boolean current(String name) {
        return name.equals(section);
    }
}
