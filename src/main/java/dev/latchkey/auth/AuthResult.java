package dev.latchkey.auth;

import dev.latchkey.customer.CustomerView;

import java.time.Duration;
import java.time.Instant;

/** The AuthResult object of the API: a token pair, its session and the customer. */
public record AuthResult(String accessToken, String tokenType, long expiresIn, Instant expiresAt, String refreshToken,
                         long refreshTokenExpiresIn, String sessionId, CustomerView customer, String cartId)
        implements LoginOutcome {

    public static AuthResult of(Issued issued, CustomerView customer, String cartId, Instant now) {
        return new AuthResult(issued.accessToken(), "Bearer", secondsUntil(now, issued.accessExpiresAt()),
                issued.accessExpiresAt(), issued.refreshToken(), secondsUntil(now, issued.refreshExpiresAt()),
                issued.sessionId(), customer, cartId);
    }

    static long secondsUntil(Instant now, Instant then) {
        long millis = Duration.between(now, then).toMillis();
        return Math.max(0, (millis + 999) / 1000);
    }

    /** The anonymous-session answer: the same tokens, no customer. */
    public record Anonymous(String accessToken, String tokenType, long expiresIn, Instant expiresAt,
                            String refreshToken, long refreshTokenExpiresIn, String sessionId) {
        public static Anonymous of(Issued issued, Instant now) {
            return new Anonymous(issued.accessToken(), "Bearer", secondsUntil(now, issued.accessExpiresAt()),
                    issued.accessExpiresAt(), issued.refreshToken(), secondsUntil(now, issued.refreshExpiresAt()),
                    issued.sessionId());
        }
    }
}
