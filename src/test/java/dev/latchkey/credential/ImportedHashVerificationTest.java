package dev.latchkey.credential;

import com.password4j.Argon2Function;
import com.password4j.BcryptFunction;
import com.password4j.types.Argon2;
import com.password4j.types.Bcrypt;
import dev.latchkey.config.Config;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ImportedHashVerificationTest {
    /** Cheap parameters for the checks that do not care about cost. */
    private static final Config.Argon2 CHEAP = new Config.Argon2(1024, 1, 1);
    private final PasswordHasher hasher = new PasswordHasher(CHEAP, new HashingPool(1, 8, 1024));

    @Test
    void hashWhenDefaultParametersThenArgon2idWithOwaspCost() {
        var production = new PasswordHasher(Config.Argon2.OWASP, new HashingPool(1, 8, 1024));
        String hash = production.hash("correct horse battery staple");
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(production.verify("correct horse battery staple", hash)).isTrue();
        assertThat(production.needsRehash(hash)).isFalse();
    }

    @Test
    void verifyWhenWrongPasswordThenFalse() {
        String hash = hasher.hash("correct horse battery staple");
        assertThat(hasher.verify("correct horse battery stapler", hash)).isFalse();
    }

    @Test
    void verifyWhenPasswordDiffersOnlyByCompatibilityFormThenTrue() {
        String hash = hasher.hash("ｐａｓｓ ｗｏｒｄ ﬁsh");
        assertThat(hasher.verify("pass word fish", hash)).isTrue();
    }

    @Test
    void verifyWhenBcryptReferenceVectorsThenTrue() {
        // crypt_blowfish (Openwall) test vectors, as PHP's password_hash and Ruby's bcrypt produce them
        assertThat(hasher.verify("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")).isTrue();
        assertThat(hasher.verify("U*U*", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK")).isTrue();
        assertThat(hasher.verify("U*U", "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")).isTrue();
        assertThat(hasher.verify("U*U", "$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")).isTrue();
        assertThat(hasher.verify("U*V", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")).isFalse();
    }

    @Test
    void verifyWhenArgon2ReferenceVectorThenTrue() {
        // the example of the Argon2 reference implementation's README (argon2i, m=64 MiB, t=2, p=4)
        String reference = "$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG";
        assertThat(hasher.verify("password", reference)).isTrue();
        assertThat(hasher.verify("passwore", reference)).isFalse();
        assertThat(hasher.needsRehash(reference)).isTrue();
    }

    @Test
    void verifyWhenImportedHashWasMadeWithoutNormalisingThenTheTypedFormStillVerifies() {
        String typed = "ｆｕｌｌｗｉｄｔｈ secret";
        String hash = BcryptFunction.getInstance(Bcrypt.B, 4).hash(typed).getResult();
        assertThat(hasher.verify(typed, hash)).isTrue();
    }

    @Test
    void needsRehashWhenNotCurrentArgon2idThenTrue() {
        assertThat(hasher.needsRehash(hasher.hash("x"))).isFalse();
        assertThat(hasher.needsRehash(BcryptFunction.getInstance(Bcrypt.B, 4).hash("x").getResult())).isTrue();
        assertThat(hasher.needsRehash(Argon2Function.getInstance(2048, 1, 1, 32, Argon2.ID).hash("x").getResult()))
                .isTrue();
        assertThat(hasher.needsRehash(Argon2Function.getInstance(1024, 1, 1, 32, Argon2.I).hash("x").getResult()))
                .isTrue();
        assertThat(hasher.needsRehash(new PasswordHasher(new Config.Argon2(1024, 2, 1), new HashingPool(1, 8, 1024)).hash("x"))).isTrue();
    }

    @Test
    void verifyWhenHashMissingOrUnknownThenFalse() {
        assertThat(hasher.verify("x", null)).isFalse();
        assertThat(hasher.verify("x", "5f4dcc3b5aa765d61d8327deb882cf99")).isFalse();
        assertThat(hasher.verify("x", "$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")).isFalse();
    }
}
