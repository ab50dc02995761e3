package dev.latchkey.testing;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.time.Instant;

/**
 * An authenticator app for the tests, written apart from the server's: RFC 6238's reference algorithm (HMAC-SHA1 of
 * the big-endian step counter, RFC 4226 dynamic truncation), checked against the RFC's own test vectors.
 */
public final class TotpCodes {
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private TotpCodes() {
    }

    /** The 6-digit code of the base32 {@code secret} for the 30-second step that holds {@code at}. */
    public static String at(String secret, Instant at) {
        return code(base32(secret), at.getEpochSecond() / 30, 6);
    }

    /** The code of {@code key} for step counter {@code step}, {@code digits} long. */
    public static String code(byte[] key, long step, int digits) {
        String hex = String.format("%016X", step);
        byte[] message = new BigInteger("10" + hex, 16).toByteArray();
        byte[] counter = new byte[8];
        System.arraycopy(message, 1, counter, 0, 8);
        byte[] hash;
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "RAW"));
            hash = mac.doFinal(counter);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        int offset = hash[hash.length - 1] & 0xf;
        int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
        String otp = Integer.toString(binary % (int) Math.pow(10, digits));
        return "0".repeat(digits - otp.length()) + otp;
    }

    /** RFC 4648 base32, without padding. */
    public static byte[] base32(String text) {
        byte[] out = new byte[text.length() * 5 / 8];
        long buffer = 0;
        int bits = 0;
        int index = 0;
        for (char c : text.toCharArray()) {
            buffer = (buffer << 5) | BASE32.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out[index++] = (byte) (buffer >> (bits - 8));
                bits -= 8;
            }
        }
        return out;
    }
}
