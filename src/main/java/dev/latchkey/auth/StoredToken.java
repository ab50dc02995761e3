package dev.latchkey.auth;

import java.time.Instant;
import java.util.Set;

/**
 * One token of a pair, joined with its session, as the token store reads it. {@code usedAt} is when a refresh used the
 * pair's refresh token, for either token of the pair: the access token is retired by that same refresh. {@code scope}
 * is an agent's session's grant, empty for other sessions; {@code impersonatedBy} the staff member or secret key that
 * started a session as its customer, else null.
 */
record StoredToken(String tenantId, String sessionId, Instant expiresAt, Instant usedAt, Instant revokedAt,
                   SessionKind sessionKind, String customerId, String email, Instant sessionRevokedAt,
                   Instant sessionCreatedAt, Set<AgentScope> scope,
                   String impersonatedBy) {
    boolean usable(Instant now) {
        return revokedAt == null && sessionRevokedAt == null && now.isBefore(expiresAt);
    }

    /**
     * For an access token, whose {@code usedAt} is when a refresh used its pair (and so retired it): whether that was
     * no more than {@code graceSeconds} ago, the token has not expired and its session lives.
     */
    boolean retiredByRefreshWithin(long graceSeconds, Instant now) {
        return usedAt != null && graceSeconds > 0 && !now.isAfter(usedAt.plusSeconds(graceSeconds))
                && sessionRevokedAt == null && now.isBefore(expiresAt);
    }
}
