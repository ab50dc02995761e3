package dev.latchkey.dashboard;

/** Thrown when a dashboard page needs a logged-in staff member and the request has none: answered with the login page. */
final class LoginRequired extends RuntimeException {
    /** Whether a session cookie was sent but no longer works (timed out, logged out, revoked). */
    private final boolean expired;

    LoginRequired(boolean expired) {
        super(null, null, false, false);
        this.expired = expired;
    }

    boolean expired() {
        return expired;
    }
}
