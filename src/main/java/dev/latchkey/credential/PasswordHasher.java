package dev.latchkey.credential;

import com.password4j.Argon2Function;
import com.password4j.types.Argon2;
import dev.latchkey.config.Config;

import java.text.Normalizer;

/**
 * Argon2id password hashing with PHC strings. Passwords are NFKC-normalised first (NIST SP 800-63B 3.1.1.2) so that the
 * same password typed on different keyboards verifies.
 */
public final class PasswordHasher {
    private static final int HASH_LENGTH = 32;

    private final Argon2Function current;
    private final HashingPool pool;
    /** Verified when the email is unknown, so that an unknown account costs as much time as a wrong password. */
    private final String dummyHash;

    public PasswordHasher(Config.Argon2 params, HashingPool pool) {
        this.pool = pool;
        this.current = Argon2Function.getInstance(params.memoryKib(), params.iterations(), params.parallelism(),
                HASH_LENGTH, Argon2.ID);
        this.dummyHash = hash("latchkey-dummy-password-for-timing");
    }

    public static String normalise(String password) {
        return Normalizer.normalize(password, Normalizer.Form.NFKC);
    }

    public String hash(String password) {
        String normalised = normalise(password);
        return pool.run(() -> current.hash(normalised).getResult());
    }

    public boolean verify(String password, String phcHash) {
        if (phcHash == null || !phcHash.startsWith("$argon2")) {
            return false;
        }
        String normalised = normalise(password);
        return pool.run(() -> {
            try {
                return Argon2Function.getInstanceFromHash(phcHash).check(normalised, phcHash);
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    /** Spends the time of one verification and always fails. */
    public boolean verifyDummy(String password) {
        verify(password, dummyHash);
        return false;
    }
}
