package dev.latchkey.auth;

import java.time.Instant;

/** One token of a pair, joined with its session, as the token store reads it. */
record StoredToken(String tenantId, String sessionId, Instant expiresAt, Instant usedAt, Instant revokedAt,
                   SessionKind sessionKind, String customerId, String email, Instant sessionRevokedAt,
                   Instant sessionCreatedAt) {
    boolean usable(Instant now) {
        return revokedAt == null && sessionRevokedAt == null && now.isBefore(expiresAt);
    }
}
