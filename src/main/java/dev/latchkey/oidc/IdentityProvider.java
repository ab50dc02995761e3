package dev.latchkey.oidc;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A shop's OpenID Connect provider (Google, Apple, a Keycloak realm, ...). It authenticates to the token endpoint with
 * either {@code clientSecret} or {@code appleKey} (the other null); both are the stored, encrypted forms and never
 * leave the service.
 */
record IdentityProvider(String tenantId, String id, String slug, String displayName, String issuer, String clientId,
                        String clientSecret, AppleKey appleKey, List<String> scopes, boolean enabled,
                        Instant createdAt, Instant updatedAt) {
    static final List<String> DEFAULT_SCOPES = List.of("openid", "email", "profile");

    /** The key the client secret is signed with for Sign in with Apple; {@code privateKey} as stored, encrypted. */
    record AppleKey(String teamId, String keyId, String privateKey) {
    }

    static String storedScopes(List<String> scopes) {
        return String.join(" ", scopes);
    }

    static List<String> readScopes(String stored) {
        return Arrays.stream(stored.split(" ")).filter(s -> !s.isEmpty()).toList();
    }
}
