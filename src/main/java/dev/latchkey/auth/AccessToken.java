package dev.latchkey.auth;

import java.time.Instant;
import java.util.Set;

/**
 * A validated token: what one cached lookup by its hash yields. {@code customerId} and {@code email} are null for an
 * anonymous session; {@code scope} is what an agent's grant allows, empty for every other kind.
 */
public record AccessToken(String tokenHash, String tenantId, String sessionId, SessionKind kind, String customerId,
                          String email, Instant expiresAt, Instant sessionCreatedAt, Set<AgentScope> scope) {
    public AccessToken {
        scope = Set.copyOf(scope);
    }

    public boolean isCustomer() {
        return kind == SessionKind.CUSTOMER;
    }

    public boolean isAgent() {
        return kind == SessionKind.AGENT;
    }

    /** Whether the token may do what {@code needed} allows: an agent within its grant, any other kind always. */
    public boolean allows(AgentScope needed) {
        return !isAgent() || AgentScope.covers(scope, needed);
    }
}
