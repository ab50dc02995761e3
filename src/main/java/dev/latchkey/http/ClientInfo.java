package dev.latchkey.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Who is calling, as far as the network tells, and the merchant's staff member or secret key ({@code apiKeyId}) when
 * one acts on an admin route (else null): recorded on sessions and in the audit log.
 */
public record ClientInfo(String ip, String userAgent, String staffId, String apiKeyId) {
    public static final int MAX_USER_AGENT = 512;

    public ClientInfo(String ip, String userAgent) {
        this(ip, userAgent, null, null);
    }

    /** A staff member acting, or logging in. */
    public ClientInfo(String ip, String userAgent, String staffId) {
        this(ip, userAgent, staffId, null);
    }

    /**
     * A header's text as the client meant it. The server reads header bytes as ISO-8859-1, while clients that send
     * more than ASCII (an app's name in its own script) send UTF-8: bytes that are valid UTF-8 are read as such, and
     * any others stay as read.
     */
    public static String headerText(String asRead) {
        if (asRead == null || asRead.chars().allMatch(c -> c < 0x80) || asRead.chars().anyMatch(c -> c > 0xFF)) {
            return asRead;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(asRead.getBytes(StandardCharsets.ISO_8859_1))).toString();
        } catch (CharacterCodingException notUtf8) {
            return asRead;
        }
    }

    /**
     * The user agent as it is shown to the shopper and the merchant: without control, format (bidi overrides,
     * zero-width) and line-separator characters, which could reorder or break the line it is shown on, and cut to
     * {@link #MAX_USER_AGENT} characters between two code points, never inside a surrogate pair.
     */
    public ClientInfo {
        if (userAgent != null) {
            StringBuilder shown = new StringBuilder();
            userAgent.codePoints().filter(c -> !isHidden(c)).takeWhile(c -> shown.length() + Character.charCount(c)
                    <= MAX_USER_AGENT).forEach(shown::appendCodePoint);
            userAgent = shown.isEmpty() ? null : shown.toString(); // nothing to show is none sent
        }
    }

    private static boolean isHidden(int codePoint) {
        int type = Character.getType(codePoint);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }
}
