package dev.latchkey.dashboard;

/**
 * Thrown when a session whose member the shop requires to set up two-step sign-in ({@code require_staff_mfa}) asks
 * for anything but the set-up or the logout: answered with a redirect to the set-up.
 */
final class MfaSetupRequired extends RuntimeException {
    MfaSetupRequired() {
        super(null, null, false, false);
    }
}
