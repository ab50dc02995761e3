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

    private static String base62(int length) {
        var out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(BASE62[RANDOM.nextInt(BASE62.length)]);
        }
        return out.toString();
    }

    public static String sha256(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
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
