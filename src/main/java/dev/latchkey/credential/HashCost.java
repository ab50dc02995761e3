package dev.latchkey.credential;

import dev.latchkey.config.Config;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cost of a stored password hash, as a short key that names what its verification takes: {@code bcrypt:12},
 * {@code argon2:m=65536,t=4,p=4} (Argon2's three types and two versions take about the same time). The key is taken
 * from the hash's text as it stands, so that a key the database computed from the same text is the same.
 */
public final class HashCost {
    private static final Pattern BCRYPT = Pattern.compile("bcrypt:(\\d{2})");
    private static final Pattern ARGON2 = Pattern.compile("argon2:m=(\\d{1,10}),t=(\\d{1,10}),p=(\\d{1,3})");
    private static final SecureRandom RANDOM = new SecureRandom();

    private HashCost() {
    }

    /** The cost of {@code hash}, or empty for no hash or one in a format Latchkey does not verify. */
    public static Optional<String> of(String hash) {
        if (hash == null) {
            return Optional.empty();
        }
        Matcher argon2 = HashFormat.ARGON2_PHC.matcher(hash);
        if (argon2.matches()) {
            return Optional.of(argon2(argon2.group(3), argon2.group(4), argon2.group(5)));
        }
        Matcher bcrypt = HashFormat.BCRYPT_MODULAR.matcher(hash);
        return bcrypt.matches() ? Optional.of("bcrypt:" + bcrypt.group(1)) : Optional.empty();
    }

    /**
     * The cost to store beside {@code hash} when Latchkey's parameters are {@code params}: empty for no hash, one in a
     * format Latchkey does not verify, and one Latchkey makes with them (see {@link PasswordHasher#needsRehash}).
     */
    public static Optional<String> ofStored(String hash, Config.Argon2 params) {
        return hash == null || !PasswordHasher.needsRehash(hash, params) ? Optional.empty() : of(hash);
    }

    /**
     * Whether a hash of {@code cost} verifies no slower than one Latchkey makes with {@code params}: an Argon2 cost of
     * no more memory, passes and lanes (its lanes are computed one after another). A refusal already waits that long,
     * so such a cost needs no place among a shop's costs. False for bcrypt, which is not compared.
     */
    public static boolean coveredBy(String cost, Config.Argon2 params) {
        Matcher argon2 = ARGON2.matcher(cost);
        return argon2.matches() && Long.parseLong(argon2.group(1)) <= params.memoryKib()
                && Long.parseLong(argon2.group(2)) <= params.iterations()
                && Long.parseLong(argon2.group(3)) <= params.parallelism();
    }

    /** The cost of the hashes Latchkey makes with {@code params}. */
    static String of(Config.Argon2 params) {
        return argon2(Integer.toString(params.memoryKib()), Integer.toString(params.iterations()),
                Integer.toString(params.parallelism()));
    }

    private static String argon2(String memoryKib, String iterations, String parallelism) {
        return "argon2:m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism;
    }

    /**
     * What makes a hash of this cost that no password matches, for timing its verification; empty for a key that
     * names no cost Latchkey would verify (none is stored, but a key is only text). The bcrypt one hashes once, so it
     * is called on the hashing pool.
     */
    static Optional<Supplier<String>> decoy(String key) {
        Matcher bcrypt = BCRYPT.matcher(key);
        if (bcrypt.matches()) {
            int cost = Integer.parseInt(bcrypt.group(1));
            if (cost < ImportedHashes.MIN_BCRYPT_COST || cost > ImportedHashes.MAX_BCRYPT_COST) {
                return Optional.empty();
            }
            return Optional.of(() -> {
                byte[] salt = new byte[16];
                RANDOM.nextBytes(salt);
                return OpenBSDBCrypt.generate("2b", "no password".toCharArray(), salt, cost);
            });
        }
        Matcher argon2 = ARGON2.matcher(key);
        if (!argon2.matches()) {
            return Optional.empty();
        }
        try {
            int memoryKib = Integer.parseInt(argon2.group(1));
            int iterations = Integer.parseInt(argon2.group(2));
            int parallelism = Integer.parseInt(argon2.group(3));
            String decoy = Argon2Phc.decoy(memoryKib, iterations, parallelism, 32);
            // the caps of an import bound what a verification may take; a key beyond them names no stored hash
            return ImportedHashes.problem("hash", decoy).isEmpty() ? Optional.of(() -> decoy) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
