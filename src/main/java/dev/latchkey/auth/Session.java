package dev.latchkey.auth;

import java.time.Instant;

/** The Session object of the API: a live session, {@code current} when it is the caller's own. */
public record Session(String id, String kind, Instant createdAt, Instant lastUsedAt, Instant expiresAt, String ip,
                      String userAgent, boolean current) {
    static Session of(SessionRecord r, String currentSessionId) {
        return new Session(r.id(), r.kind(), r.createdAt(), r.lastUsedAt(), r.expiresAt(), r.ip(), r.userAgent(),
                r.id().equals(currentSessionId));
    }
}
