package dev.latchkey.config;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The server's webhook key, from which every webhook's signing secret is derived (so that no secret is stored). From
 * LATCHKEY_WEBHOOK_KEY, else generated once and kept in the data folder ({@link KeptSecret}). Several nodes must share
 * it: a secret shown by one node must verify what another one sends.
 */
public final class WebhookKey {
    public static final String FILE_NAME = "webhook-key";
    private static final String WHAT = "webhook key";
    /** HMAC-SHA256 gains nothing from a longer key, and a shorter one is the weakest link of every signature. */
    static final int MIN_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookKey() {
    }

    /** The key's bytes. */
    public static byte[] resolve(Config config) {
        Optional<String> configured = config.webhooks().key();
        if (configured.isPresent()) {
            KeptSecret.overriddenFile(config.dataDir(), FILE_NAME, "LATCHKEY_WEBHOOK_KEY", WHAT)
                    .ifPresent(System.out::println);
            return decode(configured.get()).orElseThrow();
        }
        String kept = KeptSecret.readOrCreate(config.dataDir(), FILE_NAME, WHAT, WebhookKey::generate,
                text -> decode(text).isPresent() ? Optional.empty()
                        : Optional.of("does not hold a " + WHAT + " of at least " + MIN_BYTES + " bytes in base64url"));
        return decode(kept).orElseThrow();
    }

    /** The key written as base64url (padding optional), when it is one of at least {@link #MIN_BYTES} bytes. */
    static Optional<byte[]> decode(String text) {
        try {
            byte[] key = Base64.getUrlDecoder().decode(text.trim());
            return key.length >= MIN_BYTES ? Optional.of(key) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String generate() {
        byte[] key = new byte[MIN_BYTES];
        RANDOM.nextBytes(key);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }
}
