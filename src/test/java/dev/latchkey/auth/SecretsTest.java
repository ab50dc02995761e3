package dev.latchkey.auth;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SecretsTest {
    @Test
    void secretAndIdThenPrefixAndBase62OfTheirLength() {
        assertThat(Secrets.secret("rt")).matches("rt_[0-9A-Za-z]{43}");
        assertThat(Secrets.id("ses")).matches("ses_[0-9A-Za-z]{22}");
    }

    @Test
    void secretsWhenDrawnManyTimesThenNeverRepeatAndEveryCharacterAboutEquallyOften() {
        Set<String> seen = new HashSet<>();
        Map<Character, Integer> counts = new HashMap<>();
        int draws = 20_000;
        for (int i = 0; i < draws; i++) {
            String secret = Secrets.secret("x").substring(2);
            assertThat(seen.add(secret)).isTrue();
            secret.chars().forEach(c -> counts.merge((char) c, 1, Integer::sum));
        }
        // 860,000 characters, about 13,871 each. A plain modulo of a byte would make the first eight characters a
        // quarter more likely than the others (256 = 4 × 62 + 8): far outside these bounds
        assertThat(counts).hasSize(62);
        double expected = draws * 43 / 62.0;
        assertThat(counts.values()).allSatisfy(count -> assertThat(count).isBetween((int) (expected * 0.95),
                (int) (expected * 1.05)));
    }

    @Test
    void sha256ThenTheKnownDigestEveryTime() {
        String abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assertThat(Secrets.sha256("abc")).isEqualTo(abc);
        assertThat(Secrets.sha256("abc")).isEqualTo(abc);
        assertThat(Secrets.sha256("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
