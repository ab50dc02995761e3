package dev.latchkey.auth;

import java.time.Instant;

/**
 * A session row as held about a customer, ended ones included: what the data export lists. {@code impersonatedBy} is
 * who of the merchant's logged in as the customer (see {@link AccessToken#impersonatedBy}), null for their own.
 */
public record SessionRecord(String id, String kind, Instant createdAt, Instant lastUsedAt, Instant expiresAt,
                            Instant revokedAt, String ip, String userAgent, String impersonatedBy) {
    /**
     * The row as the customer is shown it: an impersonation names the merchant, not which of their people (personal
     * data of others, GDPR Art. 15(4)) or keys.
     */
    SessionRecord asShownToCustomer() {
        return impersonatedBy == null ? this : new SessionRecord(id, kind, createdAt, lastUsedAt, expiresAt, revokedAt,
                ip, userAgent, AccessToken.BY_MERCHANT);
    }
}
