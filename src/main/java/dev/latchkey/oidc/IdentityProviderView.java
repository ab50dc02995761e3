package dev.latchkey.oidc;

import java.time.Instant;
import java.util.List;

/**
 * An identity provider as the merchant sees it, through the admin API or the dashboard: never its client secret nor
 * its Apple private key, only whether it has one. The Apple team and key ids are null for a provider with a secret.
 */
public record IdentityProviderView(String id, String slug, String displayName, String issuer, String clientId,
                                   List<String> scopes, boolean enabled, Instant createdAt, Instant updatedAt,
                                   String appleTeamId, String appleKeyId, boolean applePrivateKeySet) {
    static IdentityProviderView of(IdentityProvider p) {
        var apple = p.appleKey();
        return new IdentityProviderView(p.id(), p.slug(), p.displayName(), p.issuer(), p.clientId(), p.scopes(),
                p.enabled(), p.createdAt(), p.updatedAt(), apple == null ? null : apple.teamId(),
                apple == null ? null : apple.keyId(), apple != null);
    }
}
