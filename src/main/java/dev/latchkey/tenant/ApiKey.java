package dev.latchkey.tenant;

import java.time.Instant;

/** A stored API key: only the hash of the key and a short hint (its last characters) for people to tell keys apart. */
public record ApiKey(String id, String tenantId, Kind kind, String keyHash, String hint, Instant createdAt,
                     Instant revokedAt) {
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

    public boolean active() {
        return revokedAt == null;
    }
}
