package dev.latchkey.dashboard;

/**
 * What the layout around every page needs: the title, which section is current, whether a staff member is logged in
 * (and may see the owner's sections), whether their shop is suspended (no page of it to lead to, but the log-out form
 * stays), the CSRF token for the log-out form and a notice to show.
 */
public record Frame(String title, String section, boolean signedIn, boolean owner, String role, String csrf,
                    String notice, boolean suspended) {
    public boolean current(String name) {
        return name.equals(section);
    }
}
