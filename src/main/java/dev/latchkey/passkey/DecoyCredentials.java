package dev.latchkey.passkey;

import dev.latchkey.auth.Secrets;

import java.util.ArrayList;
import java.util.List;

/**
 * Stand-ins for the passkeys of an address that has none, or no account: login options that named an address's
 * passkeys, and none for the rest, would tell anyone which addresses have accounts with passkeys. Each address gets one
 * credential descriptor, or two for a quarter of addresses, shaped as a platform passkey's (a 32-byte id, the
 * transports {@code hybrid} and {@code internal}) and the same at every request: the HMAC-SHA256 of the tenant and the
 * address under a key derived from the server's, so only the server can tell them from real ones. No authenticator
 * holds them: an assertion naming one fails as an unknown passkey does.
 */
public final class DecoyCredentials {
    /** What the decoys' key is derived for: another purpose derived from the same server key gets another key. */
    static final String KEY_PURPOSE = "latchkey passkey decoys v1";
    /** The transports browsers report for a passkey of the platform's password manager, synced between devices. */
    static final List<String> TRANSPORTS = List.of("hybrid", "internal");

    private final byte[] key;

    /** {@code serverKey}: the server's key, shared by every node, so that each answers an address alike. */
    public DecoyCredentials(byte[] serverKey) {
        this.key = Secrets.derivedKey(serverKey, KEY_PURPOSE);
    }

    /** The decoys of {@code email} (normalised) at {@code tenantId}: 32-byte ids, base64url as real ones are sent. */
    List<PasskeyService.Descriptor> of(String tenantId, String email) {
        // the tenant id's length first, so that no other tenant and address make the same message
        String address = tenantId.length() + ":" + tenantId + ":" + email;
        int count = (Secrets.hmacSha256(key, address)[0] & 3) == 0 ? 2 : 1;
        List<PasskeyService.Descriptor> decoys = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            decoys.add(new PasskeyService.Descriptor(Ceremonies.encode(Secrets.hmacSha256(key, address + "#" + i)),
                    TRANSPORTS));
        }
        return decoys;
    }
}
