package dev.latchkey.auth;

import java.nio.charset.StandardCharsets;
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
