package dev.latchkey.mfa;

import dev.latchkey.auth.Secrets;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One-time recovery codes: 16 base32 characters (80 random bits) each, shown in groups of four, kept only as SHA-256
 * hashes. With that much entropy a fast hash is safe, and looking a code up by its hash compares no secret byte by
 * byte. Dashes, spaces and case are ignored when one is typed.
 */
final class RecoveryCodes {
    static final int COUNT = 10;
    private static final int LENGTH = 16;
    private static final int GROUP = 4;
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private RecoveryCodes() {
    }

    /** A new set, as shown to the customer. */
    static List<String> generate() {
        List<String> codes = new ArrayList<>(COUNT);
        for (int i = 0; i < COUNT; i++) {
            StringBuilder code = new StringBuilder();
            for (int c = 0; c < LENGTH; c++) {
                if (c > 0 && c % GROUP == 0) {
                    code.append('-');
                }
                code.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
            }
            codes.add(code.toString());
        }
        return codes;
    }

    /** The hash under which a code is kept. */
    static String hash(String shownOrTyped) {
        return normalised(shownOrTyped).map(Secrets::sha256).orElseThrow();
    }

    /** What was typed as a recovery code, when it has the form of one. */
    static Optional<String> normalised(String typed) {
        String plain = typed.replaceAll("[\\s-]", "").toLowerCase(Locale.ROOT);
        return plain.length() == LENGTH && plain.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))
                ? Optional.of(plain) : Optional.empty();
    }
}
