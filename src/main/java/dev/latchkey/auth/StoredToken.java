package dev.latchkey.auth;

import java.time.Instant;

/** A token row joined with its session, as the token store reads it. {@code pairHash} is the other token of its pair. */
record StoredToken(String tokenHash, String tenantId, String sessionId, String kind, Instant expiresAt, Instant usedAt,
                   Instant revokedAt, SessionKind sessionKind, String customerId, String email,
                   Instant sessionRevokedAt, String pairHash) {
    boolean usable(Instant now) {
        return revokedAt == null && sessionRevokedAt == null && now.isBefore(expiresAt);
    }
}
