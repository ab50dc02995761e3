package dev.latchkey.dashboard;

/**
 * Thrown when a {@link GuardedPage} is used in a session not confirmed lately: a GET is answered with the confirmation
 * form, a POST is refused with it (403) and does nothing.
 */
final class ConfirmationRequired extends RuntimeException {
    private final transient DashboardSession session;
    private final GuardedPage page;

    ConfirmationRequired(DashboardSession session, GuardedPage page) {
        super(null, null, false, false);
        this.session = session;
        this.page = page;
    }

    DashboardSession session() {
        return session;
    }

    GuardedPage page() {
        return page;
    }
}
