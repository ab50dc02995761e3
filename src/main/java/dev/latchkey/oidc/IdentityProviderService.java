package dev.latchkey.oidc;

import dev.latchkey.audit.Actor;
import dev.latchkey.audit.ActorCheck;
import dev.latchkey.audit.AuditLog;
import dev.latchkey.audit.AuditType;
import dev.latchkey.auth.Secrets;
import dev.latchkey.db.Database;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.ClientInfo;
import dev.latchkey.http.FieldError;
import dev.latchkey.mfa.SeedCipher;
import dev.latchkey.tenant.TenantService;
import org.jdbi.v3.core.Handle;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The merchant's identity providers: create, list, read, change, delete. The client secret is write-only: kept
 * encrypted under a key derived from the server's key (as TOTP seeds are) and read back only to call the provider's
 * token endpoint. A provider may hold an Apple signing key instead, kept the same way under a key of its own, from
 * which each token request's client secret is signed ({@link AppleClientSecret}). A change gives the one or the other
 * and the provider keeps only what it gave. Every change is audited without the secret or the key. Deleting a
 * provider ends its links to customers.
 */
final class IdentityProviderService {
    /** What the client secrets' derived key is for: another purpose derived from the same server key gets another. */
    static final String SECRET_PURPOSE = "latchkey identity provider client secret encryption v1";
    /** The Apple signing keys' own derived key: a client secret's ciphertext moved to the key's column does not open. */
    static final String APPLE_KEY_PURPOSE = "latchkey identity provider apple signing key encryption v1";
    static final int MAX_PER_TENANT = 20;

    private final Database db;
    private final OidcStore store;
    private final SeedCipher cipher;
    private final SeedCipher appleKeys;
    private final BooleanSupplier serverKeyUsable;
    private final TenantService tenants;
    private final AuditLog audit;
    private final ActorCheck owners;
    private final Clock clock;

    IdentityProviderService(Database db, OidcStore store, byte[] serverKey, BooleanSupplier serverKeyUsable,
                            TenantService tenants, AuditLog audit, ActorCheck owners, Clock clock) {
        this.db = db;
        this.store = store;
        this.cipher = new SeedCipher(serverKey, SECRET_PURPOSE);
        this.appleKeys = new SeedCipher(serverKey, APPLE_KEY_PURPOSE);
        this.serverKeyUsable = serverKeyUsable;
        this.tenants = tenants;
        this.audit = audit;
        this.owners = owners;
        this.clock = clock;
    }

    /** 503 {@code server_key_mismatch} while this node's server key is not the deployment's. */
    void requireServerKey() {
        if (!serverKeyUsable.getAsBoolean()) {
            throw new ApiError(503, "server_key_mismatch", "This node of the service has another server key than the "
                    + "others, so it cannot use identity providers' client secrets; the operator is told in its log. "
                    + "Try again.").withHeader("Retry-After", "60");
        }
    }

    IdentityProvider create(String tenantId, ProviderInput.Fields in, Actor actor, ClientInfo client) {
        requireServerKey();
        var now = now();
        String id = Secrets.id("idp");
        var provider = new IdentityProvider(tenantId, id, in.slug(), in.displayName(), in.issuer(), in.clientId(),
                in.clientSecret() == null ? null : encrypt(tenantId, id, in.clientSecret()),
                in.appleKeyGiven() ? new IdentityProvider.AppleKey(in.appleTeamId(), in.appleKeyId(),
                        appleKeys.encrypt(tenantId, id, in.applePrivateKey())) : null,
                in.scopes() == null ? IdentityProvider.DEFAULT_SCOPES : in.scopes(),
                in.enabled() == null || in.enabled(), now, now);
        db.tx(h -> {
            owners.stillPermitted(h, tenantId, actor);
            tenants.lock(h, tenantId);
            if (store.count(h, tenantId) >= MAX_PER_TENANT) {
                throw new ApiError(422, "identity_provider_limit_reached", "A shop has at most " + MAX_PER_TENANT
                        + " identity providers.");
            }
            requireFreeSlug(h, tenantId, provider.slug(), id);
            store.insert(h, provider);
            audit.record(h, tenantId, null, AuditType.IDENTITY_PROVIDER_CREATED, client,
                    actor.with(Map.of("identity_provider_id", id, "slug", provider.slug())));
            return null;
        });
        return provider;
    }

    List<IdentityProvider> list(String tenantId) {
        return db.read(h -> store.list(h, tenantId));
    }

    /** 404 for an unknown id or another tenant's. */
    IdentityProvider get(String tenantId, String id) {
        return db.read(h -> store.find(h, tenantId, id)).orElseThrow(ApiErrors::providerNotFound);
    }

    /**
     * The fields given change; the same values again change and record nothing. Only a new secret or private key needs
     * the server key: the Apple team and key ids, which the dashboard's form always sends, are stored in the clear.
     */
    IdentityProvider update(String tenantId, String id, ProviderInput.Fields in, Actor actor, ClientInfo client) {
        if (in.clientSecret() != null || in.applePrivateKey() != null) {
            requireServerKey();
        }
        return db.tx(h -> {
            owners.stillPermitted(h, tenantId, actor);
            var current = store.findForUpdate(h, tenantId, id).orElseThrow(ApiErrors::providerNotFound);
            List<String> changed = new ArrayList<>();
            String slug = pick(in.slug(), current.slug(), "slug", changed);
            String secret = current.clientSecret();
            IdentityProvider.AppleKey appleKey = current.appleKey();
            if (in.clientSecret() != null && (secret == null || !in.clientSecret().equals(decrypt(current)))) {
                secret = encrypt(tenantId, id, in.clientSecret());
                if (appleKey != null) {
                    changed.addAll(List.of("apple_team_id", "apple_key_id", "apple_private_key"));
                    appleKey = null;
                }
                changed.add("client_secret");
            } else if (in.appleKeyGiven()) {
                appleKey = appleKey(current, in, changed);
                secret = null;
            }
            var updated = new IdentityProvider(tenantId, id, slug,
                    pick(in.displayName(), current.displayName(), "display_name", changed),
                    pick(in.issuer(), current.issuer(), "issuer", changed),
                    pick(in.clientId(), current.clientId(), "client_id", changed), secret, appleKey,
                    pick(in.scopes(), current.scopes(), "scopes", changed),
                    pick(in.enabled(), current.enabled(), "enabled", changed), current.createdAt(), now());
            if (changed.isEmpty()) {
                return current;
            }
            if (changed.contains("slug")) {
                requireFreeSlug(h, tenantId, slug, id);
            }
            if (changed.contains("issuer") && store.hasLinks(h, tenantId, id)) {
                // a subject is unique only at its issuer: another issuer's account of the same subject would log in
                // as the linked customer
                throw new ApiError(409, "identity_provider_in_use", "Customers have accounts of this provider linked: "
                        + "add another provider for the new issuer instead of changing this one's.");
            }
            store.update(h, updated);
            audit.record(h, tenantId, null, AuditType.IDENTITY_PROVIDER_UPDATED, client,
                    actor.with(Map.of("identity_provider_id", id, "changed", changed)));
            return updated;
        });
    }

    /**
     * The provider's row is locked before its links are deleted: a login or link that is writing a link to it (and
     * holds the row for that) commits first and its link goes too; one that comes after finds the provider gone.
     */
    void delete(String tenantId, String id, Actor actor, ClientInfo client) {
        db.tx(h -> {
            owners.stillPermitted(h, tenantId, actor);
            store.findForUpdate(h, tenantId, id).orElseThrow(ApiErrors::providerNotFound);
            store.delete(h, tenantId, id);
            audit.record(h, tenantId, null, AuditType.IDENTITY_PROVIDER_DELETED, client,
                    actor.with(Map.of("identity_provider_id", id)));
            return null;
        });
    }

    /**
     * The provider's Apple key as {@code in} changes it; the parts not given stay. A provider that had a client secret
     * needs all three parts (422 naming each missing one).
     */
    private IdentityProvider.AppleKey appleKey(IdentityProvider current, ProviderInput.Fields in,
                                               List<String> changed) {
        var kept = current.appleKey();
        if (kept == null) {
            List<FieldError> missing = new ArrayList<>();
            requirePart(in.appleTeamId(), "apple_team_id", missing);
            requirePart(in.appleKeyId(), "apple_key_id", missing);
            requirePart(in.applePrivateKey(), "apple_private_key", missing);
            if (!missing.isEmpty()) {
                throw ApiError.validation(missing);
            }
            changed.add("client_secret");
        }
        String teamId = pick(in.appleTeamId(), kept == null ? null : kept.teamId(), "apple_team_id", changed);
        String keyId = pick(in.appleKeyId(), kept == null ? null : kept.keyId(), "apple_key_id", changed);
        String privateKey = kept == null ? null : kept.privateKey();
        if (in.applePrivateKey() != null && (kept == null
                || !MessageDigest.isEqual(in.applePrivateKey(), appleKeys.decrypt(current.tenantId(), current.id(),
                        kept.privateKey())))) {
            privateKey = appleKeys.encrypt(current.tenantId(), current.id(), in.applePrivateKey());
            changed.add("apple_private_key");
        }
        return new IdentityProvider.AppleKey(teamId, keyId, privateKey);
    }

    private static void requirePart(Object given, String field, List<FieldError> missing) {
        if (given == null) {
            missing.add(new FieldError(field, "required", field + " is required to sign in with an Apple key "
                    + "instead of a client secret."));
        }
    }

    /**
     * What the provider's token endpoint is sent as the client secret: the merchant's secret, or one signed now with
     * the provider's Apple key.
     */
    String clientSecret(IdentityProvider provider) {
        requireServerKey();
        var apple = provider.appleKey();
        if (apple == null) {
            return decrypt(provider);
        }
        return AppleClientSecret.mint(appleKeys.decrypt(provider.tenantId(), provider.id(), apple.privateKey()),
                apple.teamId(), apple.keyId(), provider.clientId(), clock.instant());
    }

    private String decrypt(IdentityProvider provider) {
        return new String(cipher.decrypt(provider.tenantId(), provider.id(), provider.clientSecret()),
                StandardCharsets.UTF_8);
    }

    private String encrypt(String tenantId, String id, String secret) {
        return cipher.encrypt(tenantId, id, secret.getBytes(StandardCharsets.UTF_8));
    }

    private void requireFreeSlug(Handle h, String tenantId, String slug, String id) {
        if (store.slugTaken(h, tenantId, slug, id)) {
            throw new ApiError(409, "slug_taken", "Another identity provider of this shop has the slug " + slug + ".");
        }
    }

    /** As stored: the database keeps no finer time than this, and the answer shows what a read shows. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static <T> T pick(T asked, T current, String field, List<String> changed) {
        if (asked == null || asked.equals(current)) {
            return current;
        }
        changed.add(field);
        return asked;
    }
}
