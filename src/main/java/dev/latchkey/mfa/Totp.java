package dev.latchkey.mfa;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * Time-based one-time passwords (RFC 6238) as authenticator apps make them by default: HMAC-SHA1, 30-second steps
 * counted from the Unix epoch, 6 digits (RFC 4226 section 5.3's dynamic truncation).
 */
final class Totp {
    static final int STEP_SECONDS = 30;
    static final int DIGITS = 6;
    /** RFC 6238 section 5.2: one step either side, for a phone's clock a little off and the time it takes to type. */
    static final int DRIFT_STEPS = 1;
    private static final int MODULUS = 1_000_000;

    private Totp() {
    }

    static long step(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), STEP_SECONDS);
    }

    /** The code of {@code step}, zero-padded. */
    static String code(byte[] secret, long step) {
        byte[] hash = hmacSha1(secret, ByteBuffer.allocate(Long.BYTES).putLong(step).array());
        int offset = hash[hash.length - 1] & 0x0f;
        int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
        return String.format("%0" + DIGITS + "d", binary % MODULUS);
    }

    /**
     * The step within the drift window around {@code now} whose code {@code code} is, if it is later than
     * {@code lastUsed} (a code accepted once is not accepted again: RFC 6238 section 5.2). Every step of the window is
     * compared, in time independent of the code.
     */
    static OptionalLong matchingStep(byte[] secret, String code, Instant now, long lastUsed) {
        long current = step(now);
        byte[] given = code.getBytes(StandardCharsets.US_ASCII);
        long matched = -1;
        for (long step = current - DRIFT_STEPS; step <= current + DRIFT_STEPS; step++) {
            boolean equal = MessageDigest.isEqual(code(secret, step).getBytes(StandardCharsets.US_ASCII), given);
            if (equal && step > lastUsed && matched < 0) {
                matched = step;
            }
        }
        return matched < 0 ? OptionalLong.empty() : OptionalLong.of(matched);
    }

    private static byte[] hmacSha1(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA1 is part of every JDK", e);
        }
    }
}
