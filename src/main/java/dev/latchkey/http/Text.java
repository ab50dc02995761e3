package dev.latchkey.http;

import java.text.Normalizer;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Trimming for text that people type or paste. {@link String#trim} removes ASCII spaces and controls only, and
 * {@link String#isBlank} misses the no-break spaces; pasted text brings those and zero-width characters along, and a
 * field that holds nothing else is empty.
 */
public final class Text {
    private static final Pattern WHOLE_NUMBER = Pattern.compile("-?[0-9]{1,18}");

    private Text() {
    }

    /**
     * A name or address line as it is stored: trimmed, and in Unicode's composed form (NFC), so that one name typed
     * with a composed "ü" or with "u" and a combining diaeresis (as some keyboards and pasted text give it) is one text,
     * found by one search.
     */
    public static String trimmedLine(String value) {
        return Normalizer.normalize(trim(value), Normalizer.Form.NFC);
    }

    /**
     * The text's length in characters (Unicode code points), as the API document's {@code maxLength} counts it (JSON
     * Schema) and PostgreSQL's {@code varchar(n)} does. {@link String#length} counts UTF-16 units, two for each
     * character outside the Basic Multilingual Plane (an emoji, many CJK names), and would refuse a name of 60 emoji
     * against a limit of 100.
     */
    public static int length(String value) {
        return value.codePointCount(0, value.length());
    }

    /** The text without spaces of any kind (no-break and zero-width ones included) at either end. */
    public static String trim(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && isSpace(value.codePointAt(start))) {
            start += Character.charCount(value.codePointAt(start));
        }
        while (end > start && isSpace(value.codePointBefore(end))) {
            end -= Character.charCount(value.codePointBefore(end));
        }
        return value.substring(start, end);
    }

    /**
     * A whole number written in ASCII digits, with an optional leading minus. {@link Long#parseLong} also takes a plus
     * sign and the digits of every script (full-width, Arabic-Indic), so one number would have many spellings.
     */
    public static OptionalLong wholeNumber(String value) {
        if (value == null || !WHOLE_NUMBER.matcher(value).matches()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(value));
    }

    /**
     * NUL and the other C0 and C1 controls but tab and line breaks, which pasted text brings along (and {@link #trim}
     * removes at either end): never meant in a value, and PostgreSQL refuses NUL in text outright.
     */
    public static boolean hasControlCharacter(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7f && c < 0xa0)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the text holds a tab or a line break: a name, an address line or a tag is one line. */
    public static boolean breaksLine(String value) {
        return value.chars().anyMatch(c -> c == '\t' || c == '\n' || c == '\r' || c == '\u2028' || c == '\u2029');
    }

    /**
     * Whether the text holds a bidi embedding, override or isolate (U+202A to U+202E, U+2066 to U+2069): shown, such
     * a text reads as another ("Trojan Source"); right-to-left names need none of them.
     */
    public static boolean overridesDirection(String value) {
        return value.chars().anyMatch(c -> (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069));
    }

    public static boolean isBlank(String value) {
        return trim(value).isEmpty();
    }

    /** White space, every Unicode space separator, and the zero-width space, joiners, word joiner and BOM. */
    private static boolean isSpace(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint)
                || codePoint == 0x200B || codePoint == 0x200C || codePoint == 0x200D || codePoint == 0x2060
                || codePoint == 0xFEFF;
    }
}
