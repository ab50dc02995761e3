package dev.latchkey.auth;

import java.time.Instant;

/**
 * The Session object of the API: a live session, {@code current} when it is the caller's own; {@code impersonatedBy}
 * as {@link SessionRecord} holds it, or as the customer is shown it.
 */
public record Session(String id, String kind, Instant createdAt, Instant lastUsedAt, Instant expiresAt, String ip,
                      String userAgent, boolean current, String impersonatedBy) {
    /** The session as listed; it expires by {@code end} (the session's absolute end) at the latest. */
    static Session of(SessionRecord r, String currentSessionId, Instant end) {
        Instant expires = end != null && end.isBefore(r.expiresAt()) ? end : r.expiresAt();
        return new Session(r.id(), r.kind(), r.createdAt(), r.lastUsedAt(), expires, r.ip(), r.userAgent(),
                r.id().equals(currentSessionId), r.impersonatedBy());
    }
}
