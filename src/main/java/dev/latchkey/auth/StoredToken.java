package dev.latchkey.auth;

import java.time.Instant;

/**
 * A token row joined with its session, as the token store reads it. {@code sessionAccessHash} is the session's current
 * access token: an access token the session has moved on from is no longer usable, though its row was never written.
 * (Sessions from before that column existed have none; their retired access tokens carry {@code revoked_at}.)
 */
record StoredToken(String tokenHash, String tenantId, String sessionId, String kind, Instant expiresAt, Instant usedAt,
                   Instant revokedAt, SessionKind sessionKind, String customerId, String email,
                   Instant sessionRevokedAt, String sessionAccessHash) {
    boolean usable(Instant now) {
        return revokedAt == null && sessionRevokedAt == null && now.isBefore(expiresAt)
                && (!TokenStore.ACCESS.equals(kind) || sessionAccessHash == null || sessionAccessHash.equals(tokenHash));
    }
}
