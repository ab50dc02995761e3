package dev.latchkey.dashboard;

/**
 * Thrown when a {@link GuardedPage} is used in a session not confirmed lately: a GET is answered with the confirmation
 * form, a POST is refused with it (403) and does nothing. {@code at}: the place on the page the confirmation leads back
 * to, or "" for the page itself ({@link GuardedPage#path(String)}).
 */
final class ConfirmationRequired extends RuntimeException {
    private final transient DashboardSession session;
    private final GuardedPage page;
    private final String at;

    ConfirmationRequired(DashboardSession session, GuardedPage page, String at) {
        super(null, null, false, false);
        this.session = session;
        this.page = page;
        this.at = at;
    }

    DashboardSession session() {
        return session;
    }

    GuardedPage page() {
        return page;
    }

    String at() {
        return at;
    }
}
