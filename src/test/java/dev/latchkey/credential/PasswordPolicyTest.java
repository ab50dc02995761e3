package dev.latchkey.credential;

import dev.latchkey.http.FieldError;
import dev.latchkey.tenant.TenantSettings;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class PasswordPolicyTest {
    private static final PasswordPolicy POLICY = new PasswordPolicy(CommonPasswords.load());
    private static final PasswordPolicy.Person NOBODY = new PasswordPolicy.Person(null, null, null);
    private static final TenantSettings DEFAULTS = TenantSettings.DEFAULTS;

    private static String code(String password, PasswordPolicy.Person person) {
        return POLICY.check("password", password, DEFAULTS, person).map(FieldError::code).orElse("ok");
    }

    @Test
    void checkWhenLongUncommonAndUnrelatedThenAccepted() {
        assertThat(code("correct horse battery staple", NOBODY)).isEqualTo("ok");
        assertThat(code("x7!".repeat(86), NOBODY)).isEqualTo("ok");
    }

    @Test
    void checkCountsCodePointsOfTheNormalisedForm() {
        assertThat(code("🐈🐈🐈🐈🐈🐈🐈", NOBODY)).isEqualTo("too_short");
        assertThat(code("🐈🐕🐁🦜🐍🦔🦦🦩", NOBODY)).isEqualTo("ok");
        assertThat(code("a".repeat(PasswordPolicy.MAX_LENGTH + 1), NOBODY)).isEqualTo("too_long");
    }

    @Test
    void checkWhenCommonInAnyCaseOrWidthThenTooCommon() {
        assertThat(code("football", NOBODY)).isEqualTo("too_common");
        assertThat(code("FootBall", NOBODY)).isEqualTo("too_common");
        assertThat(code("ｆｏｏｔｂａｌｌ", NOBODY)).isEqualTo("too_common");
    }

    @Test
    void personalPartsSplitEmailAndNamesAndIgnoreShortParts() {
        var person = new PasswordPolicy.Person("Jean-Luc.Picard+shop@example.com", "Jean-Luc", "Li");
        assertThat(PasswordPolicy.personalParts(person))
                .containsExactly("jean-luc.picard+shop@example.com", "jean-luc.picard+shop", "jean", "luc", "picard",
                        "shop", "jean-luc");
    }

    @Test
    void checkWhenLocalPartTooShortToCountThenWholeAddressStillRefused() {
        var person = new PasswordPolicy.Person("Jo@A.example", null, null);
        assertThat(code("jo@a.example123456", person)).isEqualTo("contains_personal_info");
        assertThat(code("purple JO@A.EXAMPLE tandem", person)).isEqualTo("contains_personal_info");
        assertThat(code("jo rides a purple tandem", person)).isEqualTo("ok");
    }

    @Test
    void checkWhenPasswordContainsEmailOrNameThenContainsPersonalInfo() {
        var person = new PasswordPolicy.Person("marguerite.k@example.com", "Bartholomew", "Oyelaran");
        assertThat(code("marguerite rides a purple tandem", person)).isEqualTo("contains_personal_info");
        assertThat(code("tandem-BARTHOLOMEW-purple", person)).isEqualTo("contains_personal_info");
        assertThat(code("purple oyelaran tandem", person)).isEqualTo("contains_personal_info");
        assertThat(code("purple kangaroo tandem", person)).isEqualTo("ok");
    }

    @Test
    void checkWhenScoreBelowTenantMinimumThenTooWeak() {
        assertThat(code("aaaaaaaaaaaa", NOBODY)).isEqualTo("too_weak");
        var strict = withMinScore(3);
        assertThat(POLICY.check("password", "summer2024!", strict, NOBODY)).map(FieldError::code).contains("too_weak");
        assertThat(POLICY.check("password", "summer2024!", DEFAULTS, NOBODY)).isEmpty();
        assertThat(POLICY.check("password", "aaaaaaaaaaaa", withMinScore(0), NOBODY)).isEmpty();
    }

    @Test
    void checkWhenPasswordVeryLongThenScoredQuickly() {
        String longest = "ab1!".repeat(PasswordPolicy.MAX_LENGTH / 4);
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertThat(code(longest, NOBODY)).isEqualTo("ok"));
    }

    @Test
    void scoredPrefixWhenDenseWithLookAlikesThenShortEnoughToScoreQuickly() {
        // each of these took zxcvbn seconds whole: it tries every combination of the look-alikes' readings
        String dense = "4@8({[<3691!|70$5+%2".repeat(5);
        assertThat(PasswordPolicy.scoredPrefix(dense)).isEqualTo("4@8({[<3");
        assertThat(PasswordPolicy.scoredPrefix("1|7!".repeat(25))).isEqualTo("1|7!".repeat(6).substring(0, 23));
        assertThat(code(dense, NOBODY)).isEqualTo("ok");

        // a password with few look-alikes is scored whole, up to the prefix for long ones
        assertThat(PasswordPolicy.scoredPrefix("Summer2024!")).isEqualTo("Summer2024!");
        assertThat(PasswordPolicy.scoredPrefix("correct horse battery staple ".repeat(4)))
                .hasSize(PasswordPolicy.SCORED_PREFIX);
        // a cut never admits what the whole would not, though the prefix alone looks random
        for (String weak : List.of("12345671234567", "123456123456123456", "p@$$w0rd".repeat(8),
                "12345678".repeat(12))) {
            assertThat(PasswordPolicy.scoredPrefix(weak)).as(weak).isNotEqualTo(weak.substring(0,
                    Math.min(weak.length(), PasswordPolicy.SCORED_PREFIX)));
            assertThat(code(weak, NOBODY)).as(weak).isEqualTo("too_weak");
        }
    }

    private static TenantSettings withMinScore(int score) {
        return Fixtures.settings(Map.of("password_min_score", score));
    }
}
