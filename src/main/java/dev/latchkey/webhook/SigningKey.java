package dev.latchkey.webhook;

import dev.latchkey.auth.Secrets;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The server's webhook key and what is derived from it. A webhook's signing secret must be usable by the server, so it
 * cannot be kept as a hash like every other secret; it is not kept at all: version {@code v} of webhook {@code id}'s
 * secret is {@code whsec_} + base64url(HMAC-SHA256(key, id + ":" + v)), made again whenever it is needed. Rotating
 * a secret moves to the next version.
 */
public final class SigningKey {
    static final String SECRET_PREFIX = "whsec_";
    /** What the key's fingerprint is the MAC of: a value no webhook id can be, so no secret equals it. */
    private static final String FINGERPRINT_INPUT = "latchkey webhook key fingerprint";

    private final byte[] key;

    public SigningKey(byte[] key) {
        this.key = key.clone();
    }

    /** The webhook's signing secret of this version, as the merchant is shown it and the receiver uses it. */
    String secret(String webhookId, int version) {
        byte[] derived = Secrets.hmacSha256(key, webhookId + ":" + version);
        return SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(derived);
    }

    /** Tells keys apart without revealing them: what the database keeps to find a node with another key. */
    String fingerprint() {
        return HexFormat.of().formatHex(Secrets.hmacSha256(key, FINGERPRINT_INPUT));
    }

    /**
     * The hex HMAC-SHA256 of {@code message} under {@code secret}'s UTF-8 bytes, prefix included (as the receiver
     * computes it).
     */
    static String sign(String secret, String message) {
        return HexFormat.of().formatHex(Secrets.hmacSha256(secret.getBytes(StandardCharsets.UTF_8), message));
    }
}
