package dev.latchkey.auth;

import java.time.Instant;

/** A session row as held about a customer, ended ones included: what the data export lists. */
public record SessionRecord(String id, String kind, Instant createdAt, Instant lastUsedAt, Instant expiresAt,
                            Instant revokedAt, String ip, String userAgent) {
}
