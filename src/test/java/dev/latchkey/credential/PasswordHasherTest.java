package dev.latchkey.credential;

import dev.latchkey.config.Config;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The production Argon2id cost (OWASP), PHC strings and Unicode normalisation. */
class PasswordHasherTest {
    private static final PasswordHasher HASHER = new PasswordHasher(Config.Argon2.OWASP, new HashingPool(1, 8, 1024));

    @Test
    void hashWhenDefaultParametersThenArgon2idPhcStringWithOwaspCost() {
        String hash = HASHER.hash("correct horse battery staple");

        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(hash.split("\\$")).hasSize(6);
    }

    @Test
    void hashWhenSamePasswordTwiceThenSaltsDiffer() {
        assertThat(HASHER.hash("same password")).isNotEqualTo(HASHER.hash("same password"));
    }

    @Test
    void verifyWhenPasswordRightThenTrueElseFalse() {
        String hash = HASHER.hash("correct horse battery staple");

        assertThat(HASHER.verify("correct horse battery staple", hash)).isTrue();
        assertThat(HASHER.verify("correct horse battery stapl", hash)).isFalse();
        assertThat(HASHER.verify("Correct horse battery staple", hash)).isFalse();
        assertThat(HASHER.verify("", hash)).isFalse();
    }

    @Test
    void verifyWhenHashMissingOrForeignThenFalse() {
        assertThat(HASHER.verify("anything", null)).isFalse();
        assertThat(HASHER.verify("anything", "")).isFalse();
        assertThat(HASHER.verify("anything", "$argon2id$garbage")).isFalse();
    }

    @Test
    void verifyWhenPasswordTypedInAnotherUnicodeFormThenNfkcMakesItMatch() {
        String hash = HASHER.hash("\uFB01sh and chips"); // "ﬁ" ligature

        assertThat(HASHER.verify("fish and chips", hash)).isTrue();
        assertThat(HASHER.verify("\uFB01sh and chips", hash)).isTrue();
        assertThat(HASHER.verify("fish and chip", hash)).isFalse();
    }

    @Test
    void verifyWhenComposedOrDecomposedAccentThenSamePassword() {
        String hash = HASHER.hash("caf\u00E9 au lait");

        assertThat(HASHER.verify("cafe\u0301 au lait", hash)).isTrue();
    }

    @Test
    void verifyDummyThenAlwaysFalse() {
        assertThat(HASHER.verifyDummy("latchkey-dummy-password-for-timing")).isFalse();
        assertThat(HASHER.verifyDummy("anything")).isFalse();
    }
}
