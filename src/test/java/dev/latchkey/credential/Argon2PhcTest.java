package dev.latchkey.credential;

import com.password4j.Argon2Function;
import com.password4j.types.Argon2;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class Argon2PhcTest {
    private static final String PASSWORD = "correct horse battery staple";

    @Test
    void aNewHashIsArgon2idInPhcFormAndMatchesOnlyItsPassword() {
        String hash = Argon2Phc.hash(PASSWORD, Argon2Memory.none(), 1024, 2, 1, 32);

        assertThat(hash).matches("^\\$argon2id\\$v=19\\$m=1024,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}$");
        Argon2Phc parsed = Argon2Phc.parse(hash).orElseThrow();
        assertThat(parsed.matches(PASSWORD, Argon2Memory.none())).isTrue();
        assertThat(parsed.matches(PASSWORD + " ", Argon2Memory.none())).isFalse();
        assertThat(parsed.isCurrent(1024, 2, 1, 32)).isTrue();
        assertThat(parsed.isCurrent(1024, 3, 1, 32)).isFalse();
        assertThat(Argon2Phc.hash(PASSWORD, Argon2Memory.none(), 1024, 2, 1, 32)).isNotEqualTo(hash);
    }

    /** The example in the Argon2 reference implementation's documentation. */
    @Test
    void matchesTheReferenceImplementation() {
        Argon2Phc reference = Argon2Phc.parse("$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")
                .orElseThrow();

        assertThat(reference.matches("password", Argon2Memory.none())).isTrue();
        assertThat(reference.matches("Password", Argon2Memory.none())).isFalse();
    }

    @Test
    void agreesWithAnIndependentImplementationInBothDirections() {
        for (Argon2 type : Argon2.values()) {
            String foreign = Argon2Function.getInstance(2048, 3, 2, 24, type).hash(PASSWORD).getResult();
            assertThat(Argon2Phc.parse(foreign).orElseThrow().matches(PASSWORD, Argon2Memory.none())).as(foreign).isTrue();
        }
        String ours = Argon2Phc.hash(PASSWORD, Argon2Memory.none(), 2048, 3, 1, 32);
        assertThat(Argon2Function.getInstanceFromHash(ours).check(PASSWORD, ours)).isTrue();
    }

    @Test
    void refusesWhatIsNotAnArgon2PhcString() {
        assertThat(Argon2Phc.parse(null)).isEmpty();
        assertThat(Argon2Phc.parse("$2b$10$abcdefghijklmnopqrstuuJ0a9kZ2zHj1s3vW9D1x8Ye0gk3TQvmG")).isEmpty();
        // a six-byte salt is below RFC 9106's minimum of eight
        assertThat(Argon2Phc.parse("$argon2id$v=19$m=1024,t=2,p=1$c2hvcnRz$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")).isEmpty();
    }
}
