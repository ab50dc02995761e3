package dev.latchkey.tenant;

import dev.latchkey.auth.Permission;
import dev.latchkey.auth.Secrets;

import java.time.Instant;
import java.util.Set;

/**
 * A stored API key: only the hash of the key and a short hint (its last characters) for people to tell keys apart,
 * with the name the merchant gave it, if any. {@code issuedByOperator}: made by the operator's platform route, not by
 * the merchant; {@code rescuesSuspension}: the start of the suspension during which the operator made it (null for any
 * other key), which the key opens the admin routes through ({@link Tenant#rescuedBy}). {@code scopes}: the admin
 * permissions a secret key holds, none for a publishable key. A key never changes but for its revocation, so the cached
 * record answers for its scopes as for the rest.
 */
public record ApiKey(String id, String tenantId, Kind kind, String name, String keyHash, String hint,
                     Instant createdAt, Instant revokedAt, boolean issuedByOperator, Instant rescuesSuspension,
                     Set<Permission> scopes) {
    public static final int MAX_NAME = 100;

    public enum Kind {
        PUBLISHABLE("pk"), SECRET("sk");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }

        public String wire() {
            return name().toLowerCase();
        }

        public static Kind fromWire(String value) {
            return valueOf(value.toUpperCase());
        }
    }

    public ApiKey {
        scopes = Permission.copyOf(scopes);
    }

    /** A key as it is made: what is stored, and the plain key, which the caller sees this once. */
    public record Issued(ApiKey key, String plain) {
    }

    public static Issued issue(String tenantId, Kind kind, String name, Set<Permission> scopes, Instant now,
                               boolean byOperator, Instant rescuesSuspension) {
        String plain = Secrets.secret(kind.prefix());
        var key = new ApiKey(Secrets.id("key"), tenantId, kind, name, Secrets.sha256(plain),
                plain.substring(plain.length() - 4), now, null, byOperator, rescuesSuspension, scopes);
        return new Issued(key, plain);
    }

    public boolean active() {
        return revokedAt == null;
    }

    /**
     * A secret key holding every permission: it holds those a later version adds too, as the owner does, and is what
     * keys made before scopes existed are.
     */
    public boolean fullScope() {
        return kind == Kind.SECRET && scopes.containsAll(Permission.all());
    }
}
