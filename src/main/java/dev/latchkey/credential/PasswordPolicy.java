package dev.latchkey.credential;

import com.nulabinc.zxcvbn.Zxcvbn;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.FieldError;
import dev.latchkey.tenant.TenantSettings;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a new password must satisfy (NIST SP 800-63B 3.1.1.2, OWASP ASVS 5.0 V6.2): the tenant's minimum length,
 * at least {@value #MAX_LENGTH} characters accepted, no composition rules; not one of the most common passwords, not
 * built on the account's own email or name, and a zxcvbn score of at least the tenant's {@code password_min_score}.
 * Every check sees the NFKC form that is hashed; length counts code points.
 */
public final class PasswordPolicy {
    public static final int MAX_LENGTH = 1024;
    /**
     * The most characters a request's password field may carry: room for {@value #MAX_LENGTH} code points before
     * NFKC (which composes a letter and its combining marks into one), so that a password the policy would take is
     * never refused by the field's limit.
     */
    public static final int MAX_FIELD_LENGTH = MAX_LENGTH * 4;
    /** zxcvbn's cost grows steeply with length; a password this long has shown its strength in this prefix. */
    static final int SCORED_PREFIX = 64;
    /**
     * Each look-alike character of zxcvbn's l33t table as the letter it most often stands for: "p@$$w0rd" reads
     * "password".
     */
    private static final Map<Integer, Integer> AS_LETTER = pairs("4a@a8b(c{c[c<c3e6g9g1i!i|i7t0o$s5s+t%x2z");
    /** The look-alikes zxcvbn reads as either of two letters: 1 and | as i or l, 7 as l or t. */
    private static final String AMBIGUOUS = "1|7";
    /**
     * How many letters zxcvbn reads each look-alike as. For every combination of readings of the look-alikes present
     * it matches the whole text against its dictionaries again, so its work grows with the text's length squared times
     * the product, over the distinct look-alikes present, of one plus their readings: a hundred characters dense with
     * them took seconds of a core.
     */
    private static final Map<Integer, Integer> LOOK_ALIKE_READINGS = lookAlikeReadings();
    /**
     * The most work, in those units, one scoring may cost (tens of milliseconds at worst). Only the longest prefix
     * within it is scored as zxcvbn would: a password with two distinct look-alikes or fewer, none of them ambiguous,
     * up to {@link #SCORED_PREFIX} characters; one made only of look-alikes, eight.
     */
    static final long SCORING_BUDGET = 30_000;
    /**
     * Each look-alike as a character of its own that is none: the digits as the Arabic-Indic ones, in the same order,
     * so that runs and repeats ("1234567", "123123") are still seen as such; the symbols in the private use area.
     */
    private static final Map<Integer, Integer> AS_STAND_IN = standIns();
    private static final int MIN_PERSONAL_PART = 3;
    private static final Pattern SEPARATORS = Pattern.compile("[^\\p{L}\\p{N}]+");

    /** Whose password it is: the parts of these a password must not contain. Any may be null. */
    public record Person(String email, String firstName, String lastName) {
    }

    private final CommonPasswords common;

    /**
     * The strength estimator's dictionaries take about 20 MB of heap; they load with the first password that gets as
     * far as the strength check, so a node that never checks one (a node serving tokens) never holds them.
     */
    private static final class Estimator {
        static final Zxcvbn ZXCVBN = new Zxcvbn();
    }

    public PasswordPolicy(CommonPasswords common) {
        this.common = common;
    }

    /** Throws 422 {@code validation_failed} naming {@code field} when the password is refused. */
    public void enforce(String field, String password, TenantSettings settings, Person person) {
        check(field, password, settings, person).ifPresent(error -> {
            throw ApiError.validation(List.of(error));
        });
    }

    /**
     * 422 {@code unchanged} on {@code new_password} when a "new" password is the current one, as hashing sees them:
     * the change would end the other sessions and mail a notice while protecting nothing.
     */
    public static void requireNew(String currentPassword, String newPassword) {
        if (PasswordHasher.normalise(currentPassword).equals(PasswordHasher.normalise(newPassword))) {
            throw ApiError.validation("new_password", "unchanged", "new_password is the current password; choose "
                    + "another.");
        }
    }

    /** The first reason the password is refused, or empty when it is acceptable. */
    public Optional<FieldError> check(String field, String password, TenantSettings settings, Person person) {
        String normalised = PasswordHasher.normalise(password);
        int length = normalised.codePointCount(0, normalised.length());
        int minLength = settings.passwordMinLength();
        if (length < minLength) {
            return refuse(field, "too_short", "The password must have at least " + minLength + " characters.");
        }
        if (length > MAX_LENGTH) {
            return refuse(field, "too_long", "The password may have at most " + MAX_LENGTH + " characters.");
        }
        if (common.contains(normalised)) {
            return refuse(field, "too_common", "This password is one of the most commonly used; choose another.");
        }
        List<String> personal = personalParts(person);
        String lower = normalised.toLowerCase(Locale.ROOT);
        if (personal.stream().anyMatch(lower::contains)) {
            return refuse(field, "contains_personal_info", "The password must not contain your email or name.");
        }
        if (score(normalised, personal) < settings.passwordMinScore()) {
            return refuse(field, "too_weak", "This password is too easy to guess; a few unrelated words make a strong one.");
        }
        return Optional.empty();
    }

    /**
     * zxcvbn's score (0-4) of the password's first {@link #SCORED_PREFIX} code points. When those cost more than the
     * budget, the prefix that fits it is scored, but a prefix alone can score higher than the whole: a cut inside a
     * repeat or a run leaves what looks random ("1234567123" of "12345671234567"). So the whole is scored too, in two
     * readings without look-alikes, which cost little (each look-alike as its letter, and as a stand-in), and the
     * lowest of the three scores counts: the cut can refuse a password zxcvbn would take, never admit one it refuses.
     */
    static int score(String password, List<String> personal) {
        String whole = password.substring(0, password.offsetByCodePoints(0,
                Math.min(password.codePointCount(0, password.length()), SCORED_PREFIX)));
        String prefix = scoredPrefix(whole);
        int score = Estimator.ZXCVBN.measure(prefix, personal).getScore();
        if (prefix.length() == whole.length()) {
            return score;
        }
        for (Map<Integer, Integer> reading : List.of(AS_LETTER, AS_STAND_IN)) {
            score = Math.min(score, Estimator.ZXCVBN.measure(read(whole, reading), personal).getScore());
        }
        return score;
    }

    private static String read(String text, Map<Integer, Integer> reading) {
        StringBuilder read = new StringBuilder(text.length());
        text.codePoints().forEach(c -> read.appendCodePoint(reading.getOrDefault(c, c)));
        return read.toString();
    }

    private static Map<Integer, Integer> pairs(String lookAlikeThenLetter) {
        Map<Integer, Integer> pairs = new HashMap<>();
        for (int i = 0; i < lookAlikeThenLetter.length(); i += 2) {
            pairs.put((int) lookAlikeThenLetter.charAt(i), (int) lookAlikeThenLetter.charAt(i + 1));
        }
        return Map.copyOf(pairs);
    }

    private static Map<Integer, Integer> standIns() {
        Map<Integer, Integer> standIns = new HashMap<>();
        for (int c : LOOK_ALIKE_READINGS.keySet()) {
            standIns.put(c, c >= '0' && c <= '9' ? 0x0660 + c - '0' : 0xE000 + c);
        }
        return Map.copyOf(standIns);
    }

    /** The longest prefix of at most {@link #SCORED_PREFIX} code points whose scoring fits {@link #SCORING_BUDGET}. */
    static String scoredPrefix(String password) {
        long readings = 1;
        long length = 0;
        Set<Integer> lookAlikes = new HashSet<>();
        int end = 0;
        while (end < password.length() && length < SCORED_PREFIX) {
            int c = password.codePointAt(end);
            long withC = lookAlikes.add(c) ? readings * (1 + LOOK_ALIKE_READINGS.getOrDefault(c, 0)) : readings;
            if (withC * (length + 1) * (length + 1) > SCORING_BUDGET) {
                break;
            }
            readings = withC;
            length++;
            end += Character.charCount(c);
        }
        return password.substring(0, end);
    }

    private static Map<Integer, Integer> lookAlikeReadings() {
        Map<Integer, Integer> readings = new HashMap<>();
        AS_LETTER.keySet().forEach(c -> readings.put(c, AMBIGUOUS.indexOf(c) >= 0 ? 2 : 1));
        return Map.copyOf(readings);
    }

    private static Optional<FieldError> refuse(String field, String code, String message) {
        return Optional.of(new FieldError(field, code, message));
    }

    /**
     * The email's local part and the names, whole and split at separators; parts under three characters are ignored.
     * The whole address counts too, so that a local part too short to count on its own ({@code jo@…}) still keeps
     * the address itself out of the password.
     */
    static List<String> personalParts(Person person) {
        List<String> parts = new ArrayList<>();
        String email = person.email() == null ? null : person.email().strip();
        String localPart = email == null || email.indexOf('@') < 0 ? email : email.substring(0, email.lastIndexOf('@'));
        if (email != null) {
            addPart(parts, PasswordHasher.normalise(email).toLowerCase(Locale.ROOT));
        }
        for (String value : new String[] {localPart, person.firstName(), person.lastName()}) {
            if (value == null) {
                continue;
            }
            String lower = PasswordHasher.normalise(value).toLowerCase(Locale.ROOT).strip();
            addPart(parts, lower);
            for (String piece : SEPARATORS.split(lower)) {
                addPart(parts, piece);
            }
        }
        return parts;
    }

    private static void addPart(List<String> parts, String part) {
        if (part.codePointCount(0, part.length()) >= MIN_PERSONAL_PART && !parts.contains(part)) {
            parts.add(part);
        }
    }
}
