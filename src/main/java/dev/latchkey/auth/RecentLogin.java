package dev.latchkey.auth;

import dev.latchkey.http.ApiError;

import java.time.Duration;
import java.time.Instant;

/**
 * What a session may do only soon after its login: add a way into the account (a passkey, a linked provider account).
 * An access token taken from a long session must not plant one of its own (OWASP ASVS: re-authenticate before an
 * authenticator changes); a password cannot be asked for instead, since an account may have none. A refresh keeps the
 * session's login time.
 */
public final class RecentLogin {
    public static final Duration WINDOW = Duration.ofMinutes(15);

    private RecentLogin() {
    }

    /** 403 {@code reauthentication_required} when the token's session logged in more than {@link #WINDOW} ago. */
    public static void require(AccessToken token, Instant now, String toDo) {
        if (token.sessionCreatedAt().isBefore(now.minus(WINDOW))) {
            throw new ApiError(403, "reauthentication_required", "Log in again to " + toDo + ": it is done within "
                    + WINDOW.toMinutes() + " minutes of a login.");
        }
    }
}
