package dev.latchkey.passkey;

import java.time.Instant;
import java.util.List;

/**
 * A customer's passkey as the API shows it: never its public key or credential data. {@code backedUp} is the
 * authenticator's word that the key is synced (a multi-device passkey).
 */
public record Passkey(String id, String name, List<String> transports, boolean backupEligible, boolean backedUp,
                      Instant createdAt, Instant lastUsedAt) {
}
