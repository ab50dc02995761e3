package dev.latchkey.oidc;

import java.time.Instant;

/** A customer's linked provider account, as the API and the dashboard show it. */
public record IdentityView(String id, String providerId, String providerSlug, String providerName, String subject,
                           String email, Instant createdAt, Instant lastUsedAt) {
}
