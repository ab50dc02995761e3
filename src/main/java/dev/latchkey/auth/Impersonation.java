package dev.latchkey.auth;

import java.time.Instant;

/**
 * A session the merchant started as its customer ("log in as customer"), with its only token: the moment the plain
 * token exists on the server. {@code impersonatedBy} is the staff member's or the secret key's id.
 */
public record Impersonation(String accessToken, String tokenType, long expiresIn, Instant expiresAt, String sessionId,
                            String customerId, String impersonatedBy) {
}
