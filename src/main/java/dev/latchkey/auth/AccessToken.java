package dev.latchkey.auth;

import java.time.Instant;

/**
 * A validated token: what one cached lookup by its hash yields. {@code customerId} and {@code email} are null for an
 * anonymous session.
 */
public record AccessToken(String tokenHash, String tenantId, String sessionId, SessionKind kind, String customerId,
                          String email, Instant expiresAt, Instant sessionCreatedAt) {
    public boolean isCustomer() {
        return kind == SessionKind.CUSTOMER;
    }
}
