package dev.latchkey.mfa;

import dev.latchkey.testing.TotpCodes;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server's TOTP and the tests' authenticator against RFC 6238 Appendix B (the SHA-1 vectors). */
class TotpTest {
    private static final byte[] KEY = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    /** Seconds since the epoch to the RFC's 8-digit codes. */
    private static final Map<Long, String> VECTORS = Map.of(59L, "94287082", 1111111109L, "07081804",
            1111111111L, "14050471", 1234567890L, "89005924", 2000000000L, "69279037", 20000000000L, "65353130");

    @Test
    void codeWhenRfc6238VectorsThenMatches() {
        VECTORS.forEach((seconds, expected) -> {
            long step = Totp.step(Instant.ofEpochSecond(seconds));
            assertThat(TotpCodes.code(KEY, step, 8)).as("tests' code at %d", seconds).isEqualTo(expected);
            // six digits are the eight's last six: the same number modulo 10^6
            assertThat(Totp.code(KEY, step)).as("server's code at %d", seconds).isEqualTo(expected.substring(2));
            assertThat(TotpCodes.code(KEY, step, 6)).isEqualTo(expected.substring(2));
        });
    }

    @Test
    void matchWhenWithinOneStepThenAcceptedAndWhenUsedOrFartherThenNot() {
        Instant now = Instant.ofEpochSecond(1234567890L);
        long step = Totp.step(now);
        assertThat(Totp.matchingStep(KEY, Totp.code(KEY, step - 1), now, Long.MIN_VALUE)).hasValue(step - 1);
        assertThat(Totp.matchingStep(KEY, Totp.code(KEY, step + 1), now, Long.MIN_VALUE)).hasValue(step + 1);
        assertThat(Totp.matchingStep(KEY, Totp.code(KEY, step - 2), now, Long.MIN_VALUE)).isEmpty();
        assertThat(Totp.matchingStep(KEY, Totp.code(KEY, step + 2), now, Long.MIN_VALUE)).isEmpty();
        assertThat(Totp.matchingStep(KEY, Totp.code(KEY, step), now, step)).as("replay").isEqualTo(OptionalLong.empty());
        assertThat(Totp.matchingStep(KEY, Totp.code(KEY, step - 1), now, step - 1)).isEmpty();
    }

    @Test
    void recoveryCodeWhenTypedLooselyThenSameHash() {
        String code = RecoveryCodes.generate().get(0);
        assertThat(code).matches("[a-z2-7]{4}(-[a-z2-7]{4}){3}");
        assertThat(RecoveryCodes.hash(" " + code.toUpperCase().replace("-", " ") + " "))
                .isEqualTo(RecoveryCodes.hash(code));
        assertThat(RecoveryCodes.normalised("123456")).isEmpty();
    }

    @Test
    void seedWhenEncryptedThenOnlyItsAccountAndKeyDecryptIt() {
        byte[] serverKey = new byte[32];
        var cipher = new SeedCipher(serverKey, SeedCipher.CUSTOMERS);
        String stored = cipher.encrypt("shop", "cus_1", KEY);
        assertThat(stored).startsWith("v1.").doesNotContain(new String(KEY, StandardCharsets.US_ASCII));
        assertThat(cipher.decrypt("shop", "cus_1", stored)).isEqualTo(KEY);
        assertThatThrownBy(() -> cipher.decrypt("shop", "cus_2", stored))
                .isInstanceOf(IllegalStateException.class);
        serverKey[0] = 1;
        assertThatThrownBy(() -> new SeedCipher(serverKey, SeedCipher.CUSTOMERS).decrypt("shop", "cus_1",
                stored)).isInstanceOf(IllegalStateException.class);
    }
}
