package dev.latchkey.credential;

import dev.latchkey.http.FieldError;

import java.util.Optional;
import java.util.regex.Matcher;

/**
 * Which password hashes from another system may be imported: Argon2 PHC strings and bcrypt ($2a$, $2b$, $2y$), with a
 * cost a login can afford. Every login of the account pays that cost, with a wrong password or while locked too (for
 * timing), on the few hashing threads all tenants share: one import of a large cost could occupy them all. The caps
 * admit the hashes real shop systems write, and the most costly of them takes about 0.2 s (docs/abuse.md).
 */
public final class ImportedHashes {
    /** RFC 9106's second recommended option and PHP's default: 64 MiB. */
    public static final int MAX_ARGON2_MEMORY_KIB = 65_536;
    /** 64 MiB with 4 passes, PHP's {@code password_hash} default; RFC 9106's second option is 64 MiB with 3. */
    public static final int MAX_ARGON2_WORK = 262_144;
    /** Lanes are computed one after another here, so more of them buy no speed; RFC 9106 recommends 4. */
    public static final int MAX_ARGON2_PARALLELISM = 8;
    public static final int MIN_BCRYPT_COST = 4;
    /** About the time of the most costly Argon2 above; each step up doubles it. */
    public static final int MAX_BCRYPT_COST = 12;

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
                    + "verifies: Argon2 up to m=" + MAX_ARGON2_MEMORY_KIB + " KiB, m*t=" + MAX_ARGON2_WORK + " and p="
                    + MAX_ARGON2_PARALLELISM + "; bcrypt cost " + MIN_BCRYPT_COST + " to " + MAX_BCRYPT_COST + "."));
        }
        return Optional.empty();
    }

    /** A parameter beyond an int does not parse, and is beyond the caps too. */
    private static boolean argon2Affordable(String hash) {
        // RFC 9106 3.1: at least one pass and one lane, and 8 KiB per lane
        return Argon2Phc.parse(hash).filter(h -> h.iterations() >= 1 && h.parallelism() >= 1
                && h.parallelism() <= MAX_ARGON2_PARALLELISM && h.memoryKib() >= 8L * h.parallelism()
                && h.memoryKib() <= MAX_ARGON2_MEMORY_KIB
                && (long) h.memoryKib() * h.iterations() <= MAX_ARGON2_WORK).isPresent();
    }

    private static boolean bcryptAffordable(String hash) {
        Matcher m = HashFormat.BCRYPT_MODULAR.matcher(hash);
        int cost = m.matches() ? Integer.parseInt(m.group(1)) : -1;
        return cost >= MIN_BCRYPT_COST && cost <= MAX_BCRYPT_COST;
    }
}
