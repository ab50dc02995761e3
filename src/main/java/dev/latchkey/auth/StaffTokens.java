package dev.latchkey.auth;

import java.util.Optional;

/** Staff members' session tokens, as the admin routes see them; the staff feature provides them. */
public interface StaffTokens {
    /** The admin a live API token ({@code stf_...}) stands for; counts as activity for its idle timeout. */
    Optional<AdminPrincipal> authenticate(String rawToken);

    /**
     * Whether this is a live staff session of either kind (an API token or a dashboard session), without counting as
     * activity: sent where another credential is needed, it is the wrong kind (403).
     */
    boolean isLive(String rawToken);
}
