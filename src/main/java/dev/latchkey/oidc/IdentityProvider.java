package dev.latchkey.oidc;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A shop's OpenID Connect provider (Google, Apple, a Keycloak realm, ...). {@code clientSecret} is the stored,
 * encrypted form; it never leaves the service.
 */
record IdentityProvider(String tenantId, String id, String slug, String displayName, String issuer, String clientId,
                        String clientSecret, List<String> scopes, boolean enabled, Instant createdAt,
                        Instant updatedAt) {
    static final List<String> DEFAULT_SCOPES = List.of("openid", "email", "profile");

    static String storedScopes(List<String> scopes) {
        return String.join(" ", scopes);
    }

    static List<String> readScopes(String stored) {
        return Arrays.stream(stored.split(" ")).filter(s -> !s.isEmpty()).toList();
    }
}
