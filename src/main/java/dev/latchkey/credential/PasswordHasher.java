package dev.latchkey.credential;

import dev.latchkey.config.Config;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Argon2id password hashing with PHC strings. Passwords are NFKC-normalised first (NIST SP 800-63B 3.1.1.2) so that the
 * same password typed on different keyboards verifies. Imported Argon2 (PHC) and bcrypt hashes verify too, and
 * {@link #needsRehash} tells when a stored hash should be replaced by one with the current parameters. All hashing runs
 * on the bounded {@link HashingPool}.
 */
public final class PasswordHasher {
    private static final int HASH_LENGTH = 32;
    /** Headroom over the measured time, for a node busier later than when it measured. */
    private static final double VERIFICATION_MARGIN = 1.25;
    private static final int TIMED_RUNS = 3;
    /** {@link #verificationTime} per {@link HashCost}: the machine does not change while the process runs. */
    private static final Map<String, CompletableFuture<Duration>> VERIFICATION_TIMES = new ConcurrentHashMap<>();

    private final Config.Argon2 params;
    private final HashingPool pool;
    /** Verified when there is no usable hash, so that an unknown account costs as much time as a wrong password. */
    private final String dummyHash;

    public PasswordHasher(Config.Argon2 params, HashingPool pool) {
        this.params = params;
        this.pool = pool;
        // made without hashing, so start-up stays fast
        this.dummyHash = Argon2Phc.decoy(params.memoryKib(), params.iterations(), params.parallelism(), HASH_LENGTH);
    }

    public static String normalise(String password) {
        return Normalizer.normalize(password, Normalizer.Form.NFKC);
    }

    public String hash(String password) {
        return pool.run(hashing(password));
    }

    /** A hash of the password, or empty when too many hashes wait: for a rehash that the next login can do as well. */
    public Optional<String> hashUnlessBusy(String password) {
        return pool.runUnlessFull(hashing(password));
    }

    private Function<Argon2Memory, String> hashing(String password) {
        String normalised = normalise(password);
        return memory -> Argon2Phc.hash(normalised, memory, params.memoryKib(), params.iterations(),
                params.parallelism(), HASH_LENGTH);
    }

    /**
     * Checks a password against a stored hash. The NFKC form is tried first; a hash imported from a system that did not
     * normalise is also tried with the password as typed. A missing or unreadable hash costs the same time and fails.
     */
    public boolean verify(String password, String storedHash) {
        if (HashFormat.of(storedHash).isEmpty()) {
            return verifyDummy(password);
        }
        String normalised = normalise(password);
        return pool.run(memory -> {
            boolean ok = check(normalised, storedHash, memory);
            if (!normalised.equals(password)) {
                ok |= check(password, storedHash, memory);
            }
            return ok;
        });
    }

    /** Spends the time of one verification, including the second try {@link #verify} makes, and always fails. */
    public boolean verifyDummy(String password) {
        String normalised = normalise(password);
        return pool.run(memory -> {
            check(normalised, dummyHash, memory);
            if (!normalised.equals(password)) {
                check(password, dummyHash, memory);
            }
            return false;
        });
    }

    /**
     * About how long {@link #verifyDummy} of {@code password} takes here, with headroom: what an unknown address costs.
     * A stored hash of a lower cost (imported from another shop, or made before the cost was raised) verifies sooner;
     * a refusal that waits until this long after it began does not tell it from an unknown address. For a shop whose
     * customers' hashes include {@code storedCosts} ({@link HashCost}, imported ones), the longest of that and what a
     * hash of each of them takes, so that a costlier hash is not told from an unknown address either; a cost that names
     * nothing Latchkey verifies is left out. Each cost is measured once per process, by its first caller: the quickest
     * of a few runs, as the first ones run before the code is compiled.
     */
    public Duration verificationTime(String password, Collection<String> storedCosts) {
        Duration longest = measured(HashCost.of(params), () -> dummyHash);
        for (String cost : storedCosts) {
            Optional<Supplier<String>> decoy = HashCost.decoy(cost);
            if (decoy.isPresent()) {
                Duration one = measured(cost, decoy.get());
                longest = one.compareTo(longest) > 0 ? one : longest;
            }
        }
        // a password that NFKC changes is verified twice, as typed too
        return normalise(password).equals(password) ? longest : longest.multipliedBy(2);
    }

    /**
     * The time of a failed verification against a hash of {@code cost}, measured by its first caller; callers that
     * come meanwhile wait for that measurement rather than making their own, and no other cost waits for it. A
     * measurement that fails (a hashing queue too full: 503) is left for a later caller to make.
     */
    private Duration measured(String cost, Supplier<String> decoy) {
        CompletableFuture<Duration> mine = new CompletableFuture<>();
        CompletableFuture<Duration> known = VERIFICATION_TIMES.putIfAbsent(cost, mine);
        if (known != null) {
            try {
                return known.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException failed ? failed : e;
            }
        }
        try {
            String hash = pool.run(memory -> decoy.get());
            long quickest = Long.MAX_VALUE;
            for (int run = 0; run < TIMED_RUNS; run++) {
                long started = System.nanoTime();
                pool.run(memory -> check("", hash, memory));
                quickest = Math.min(quickest, System.nanoTime() - started);
            }
            mine.complete(Duration.ofNanos((long) (quickest * VERIFICATION_MARGIN)));
            return mine.join();
        } catch (RuntimeException e) {
            VERIFICATION_TIMES.remove(cost, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    private static boolean check(String password, String storedHash, Argon2Memory memory) {
        try {
            return switch (HashFormat.of(storedHash).orElseThrow()) {
                case ARGON2 -> Argon2Phc.parse(storedHash).map(hash -> hash.matches(password, memory)).orElse(false);
                case BCRYPT -> OpenBSDBCrypt.checkPassword(storedHash, password.getBytes(StandardCharsets.UTF_8));
            };
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** True unless the hash is Argon2id with exactly the configured cost. */
    public boolean needsRehash(String storedHash) {
        return needsRehash(storedHash, params);
    }

    /** True unless the hash is one Latchkey makes with {@code params}: Argon2id with exactly that cost. */
    static boolean needsRehash(String storedHash, Config.Argon2 params) {
        return Argon2Phc.parse(storedHash)
                .map(hash -> !hash.isCurrent(params.memoryKib(), params.iterations(), params.parallelism(), HASH_LENGTH))
                .orElse(true);
    }
}
