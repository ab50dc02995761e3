package dev.latchkey.credential;

import dev.latchkey.http.FieldError;

import java.util.Optional;
import java.util.regex.Matcher;

/**
 * Which password hashes from another system may be imported: Argon2 PHC strings and bcrypt ($2a$, $2b$, $2y$), with a
 * cost a login can afford. An unbounded cost would let one import turn every login of that account into a denial of
 * service, so Argon2 is held to at most {@value #MAX_ARGON2_MEMORY_KIB} KiB, {@value #MAX_ARGON2_ITERATIONS} passes and
 * {@value #MAX_ARGON2_PARALLELISM} lanes, bcrypt to cost {@value #MAX_BCRYPT_COST}.
 */
public final class ImportedHashes {
    public static final int MAX_ARGON2_MEMORY_KIB = 262_144;
    public static final int MAX_ARGON2_ITERATIONS = 16;
    public static final int MAX_ARGON2_PARALLELISM = 16;
    public static final int MIN_BCRYPT_COST = 4;
    public static final int MAX_BCRYPT_COST = 14;

    private ImportedHashes() {
    }

    /** Why {@code hash} cannot be imported, or empty when it can. */
    public static Optional<FieldError> problem(String field, String hash) {
        Optional<HashFormat> format = HashFormat.of(hash)
                .filter(f -> f != HashFormat.ARGON2 || Argon2Phc.wellFormed(hash));
        if (format.isEmpty()) {
            return Optional.of(new FieldError(field, "unsupported_hash_format", field
                    + " must be an Argon2 PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$hash, salt and hash in "
                    + "base64) or a bcrypt hash ($2a$, $2b$ or $2y$)."));
        }
        boolean affordable = format.get() == HashFormat.ARGON2 ? argon2Affordable(hash) : bcryptAffordable(hash);
        if (!affordable) {
            return Optional.of(new FieldError(field, "out_of_range", field + " has a cost outside what Latchkey "
                    + "verifies: Argon2 up to m=" + MAX_ARGON2_MEMORY_KIB + ",t=" + MAX_ARGON2_ITERATIONS + ",p="
                    + MAX_ARGON2_PARALLELISM + "; bcrypt cost " + MIN_BCRYPT_COST + " to " + MAX_BCRYPT_COST + "."));
        }
        return Optional.empty();
    }

    private static boolean argon2Affordable(String hash) {
        return Argon2Phc.parse(hash).filter(h -> h.memoryKib() <= MAX_ARGON2_MEMORY_KIB && h.iterations() >= 1
                && h.iterations() <= MAX_ARGON2_ITERATIONS && h.parallelism() >= 1
                && h.parallelism() <= MAX_ARGON2_PARALLELISM && h.memoryKib() >= 8L * h.parallelism()).isPresent();
    }

    private static boolean bcryptAffordable(String hash) {
        Matcher m = HashFormat.BCRYPT_MODULAR.matcher(hash);
        int cost = m.matches() ? Integer.parseInt(m.group(1)) : -1;
        return cost >= MIN_BCRYPT_COST && cost <= MAX_BCRYPT_COST;
    }
}
