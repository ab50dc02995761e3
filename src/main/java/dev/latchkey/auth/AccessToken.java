package dev.latchkey.auth;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A validated token: what one cached lookup by its hash yields. {@code customerId} and {@code email} are null for an
 * anonymous session; {@code scope} is what an agent's grant allows, empty for every other kind. {@code impersonatedBy}
 * names the staff member ({@code staff_...}) or secret key ({@code key_...}) that logged in as the customer, null for a
 * session the customer or their agent holds: the session's row carries it, so the cached record does too.
 */
public record AccessToken(String tokenHash, String tenantId, String sessionId, SessionKind kind, String customerId,
                          String email, Instant expiresAt, Instant sessionCreatedAt, Set<AgentScope> scope,
                          String impersonatedBy) {
    /** What a storefront is told of an impersonation: that the merchant acts, not which of their people. */
    public static final String BY_MERCHANT = "merchant";

    public AccessToken {
        scope = Set.copyOf(scope);
    }

    public boolean isCustomer() {
        return kind == SessionKind.CUSTOMER;
    }

    public boolean isAgent() {
        return kind == SessionKind.AGENT;
    }

    /** Whether the merchant's staff (or back end) holds this token, logged in as the customer. */
    public boolean isImpersonated() {
        return impersonatedBy != null;
    }

    /**
     * Who acts with this token, as an audit event's data begins: the customer; an agent, or an impersonation, with its
     * session (the staff member or key of an impersonation is the event's own {@code staff_id} or {@code api_key_id}).
     */
    public Map<String, Object> actedBy() {
        if (isAgent()) {
            return Map.of("by", "agent", "session_id", sessionId);
        }
        return isImpersonated() ? Map.of("by", "impersonation", "session_id", sessionId) : Map.of("by", "customer");
    }

    /** Whether the token may do what {@code needed} allows: an agent within its grant, any other kind always. */
    public boolean allows(AgentScope needed) {
        return !isAgent() || AgentScope.covers(scope, needed);
    }
}
