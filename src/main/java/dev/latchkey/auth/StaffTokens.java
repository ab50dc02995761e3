package dev.latchkey.auth;

import dev.latchkey.http.ApiError;
import org.jdbi.v3.core.Handle;

import java.util.Optional;

/** Staff members' session tokens, as the admin routes see them; the staff feature provides them. */
public interface StaffTokens {
    /** The staff member a live API token stands for, and whether they have a second factor now. */
    record Caller(AdminPrincipal principal, boolean mfaEnabled) {
    }

    /** The admin a live API token ({@code stf_...}) stands for; counts as activity for its idle timeout. */
    Optional<Caller> authenticate(String rawToken);

    /**
     * {@link #authenticate} once more, inside {@code h}'s transaction, for a change that must not outlive the right of
     * the staff member {@code staffId} to make it: their row is locked first, as their removal, a new role, a password
     * set by an owner and a reset of their second factor lock it before ending what the member holds. Such a change
     * either committed before, and is seen here (empty when it ended the session), or waits for this transaction and
     * then ends what it made. Not counted as activity.
     */
    Optional<Caller> lockAndAuthenticate(Handle h, String tenantId, String staffId, String rawToken);

    /**
     * Whether this is a live staff session of either kind (an API token or a dashboard session), without counting as
     * activity: sent where another credential is needed, it is the wrong kind (403).
     */
    boolean isLive(String rawToken);

    /**
     * The tenant requires two-step sign-in of its staff ({@code require_staff_mfa}) and this member has not set it up:
     * their login opens no API session, and one opened before does nothing but log out, until they set it up on the
     * dashboard.
     */
    static ApiError mfaSetupRequired() {
        return new ApiError(403, "mfa_setup_required", "This shop requires two-step sign-in of its staff: log in to "
                + "the dashboard and set up an authenticator app on its Two-step sign-in page first.");
    }
}
