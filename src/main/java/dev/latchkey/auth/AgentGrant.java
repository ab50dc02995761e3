package dev.latchkey.auth;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * An AI shopping agent's grant as its customer sees it: a live session of kind {@code agent}, named by the customer,
 * with the scopes it may act in. {@code id} names the grant, {@code sessionId} the session it is (the customer's
 * session list shows it too). {@code expiresAt} is when its token stops working, since it has no refresh token.
 */
public record AgentGrant(String id, String name, List<String> scope, String sessionId, Instant createdAt,
                         Instant lastUsedAt, Instant expiresAt) {
    /** The grant expiring by {@code end} at the latest. */
    AgentGrant endingBy(Instant end) {
        return end.isBefore(expiresAt)
                ? new AgentGrant(id, name, scope, sessionId, createdAt, lastUsedAt, end) : this;
    }

    /** What a new grant is made with. */
    public record Terms(String id, String name, Set<AgentScope> scope, Instant createdAt, Instant expiresAt) {
    }

    /** A grant as the data export lists it, ended ones included. */
    public record Held(String id, String name, List<String> scope, String sessionId, Instant createdAt,
                       Instant expiresAt, Instant revokedAt) {
    }

    /** A new grant with its token: the only moment the plain token exists on the server. */
    public record Issued(AgentGrant grant, String accessToken) {
    }
}
