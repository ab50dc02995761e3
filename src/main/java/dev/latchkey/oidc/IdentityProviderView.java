package dev.latchkey.oidc;

import java.time.Instant;
import java.util.List;

/** An identity provider as the merchant sees it, through the admin API or the dashboard: never its client secret. */
public record IdentityProviderView(String id, String slug, String displayName, String issuer, String clientId,
                                   List<String> scopes, boolean enabled, Instant createdAt, Instant updatedAt) {
    static IdentityProviderView of(IdentityProvider p) {
        return new IdentityProviderView(p.id(), p.slug(), p.displayName(), p.issuer(), p.clientId(), p.scopes(),
                p.enabled(), p.createdAt(), p.updatedAt());
    }
}
