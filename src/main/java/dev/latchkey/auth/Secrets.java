package dev.latchkey.auth;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Random prefixed secrets and ids, and the SHA-256 under which secrets are stored. */
public final class Secrets {
    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    /** 43 base62 characters carry 256 bits. */
    private static final int SECRET_LENGTH = 43;
    /** 22 base62 characters carry 130 bits: enough for ids nobody can guess. */
    private static final int ID_LENGTH = 22;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final MessageDigest SHA_256 = sha256Prototype();
    private static final String HMAC_SHA256 = "HmacSHA256";
    private static final int DERIVED_KEY_BYTES = 32;

    private Secrets() {
    }

    /** A secret such as {@code cust_...}: 256 bits of randomness behind the prefix. */
    public static String secret(String prefix) {
        return prefix + "_" + base62(SECRET_LENGTH);
    }

    /** An opaque id such as {@code cus_...}. */
    public static String id(String prefix) {
        return prefix + "_" + base62(ID_LENGTH);
    }

    /** {@code length} decimal digits, each equally likely: a code for a person to type. */
    public static String digits(int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append((char) ('0' + RANDOM.nextInt(10)));
        }
        return out.toString();
    }

    /**
     * Random bytes are drawn a batch at a time (each call of the system's generator takes a lock and mixes its own
     * state), and a byte is used only below 248 = 4 × 62, so that every character is equally likely.
     */
    private static String base62(int length) {
        char[] out = new char[length];
        byte[] random = new byte[length + length / 4];
        int filled = 0;
        while (filled < length) {
            RANDOM.nextBytes(random);
            for (int i = 0; i < random.length && filled < length; i++) {
                int value = random[i] & 0xff;
                if (value < 4 * BASE62.length) {
                    out[filled++] = BASE62[value % BASE62.length];
                }
            }
        }
        return new String(out);
    }

    /**
     * A key of its own for one {@code purpose}, derived from the server's key (HKDF-SHA256, RFC 5869): one key to keep
     * and share between nodes, and keys that tell nothing of each other.
     */
    public static byte[] derivedKey(byte[] serverKey, String purpose) {
        var hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(serverKey, null, purpose.getBytes(StandardCharsets.UTF_8)));
        byte[] derived = new byte[DERIVED_KEY_BYTES];
        hkdf.generateBytes(derived, 0, derived.length);
        return derived;
    }

    /** HMAC-SHA256 of {@code message}'s UTF-8 bytes under {@code key}. */
    public static byte[] hmacSha256(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance(HMAC_SHA256);
            mac.init(new SecretKeySpec(key, HMAC_SHA256));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }

    public static String sha256(String secret) {
        byte[] digest = sha256().digest(secret.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest);
    }

    /** A copy of one prepared instance: cheaper than looking the algorithm up among the providers on every call. */
    private static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
        }
    }

    private static MessageDigest sha256Prototype() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Compares two secrets in time independent of where they differ. */
    public static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(sha256(a).getBytes(StandardCharsets.US_ASCII),
                sha256(b).getBytes(StandardCharsets.US_ASCII));
    }
}
