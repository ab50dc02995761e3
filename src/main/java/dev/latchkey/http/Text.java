package dev.latchkey.http;

/**
 * Trimming for text that people type or paste. {@link String#trim} removes ASCII spaces and controls only, and
 * {@link String#isBlank} misses the no-break spaces; pasted text brings those and zero-width characters along, and a
 * field that holds nothing else is empty.
 */
public final class Text {
    private Text() {
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
