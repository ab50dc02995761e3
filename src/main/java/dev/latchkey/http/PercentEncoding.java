package dev.latchkey.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Query strings and URL-encoded forms as this service reads them: percent-encoded UTF-8, strictly. The framework
 * decodes a broken escape or bytes that are no UTF-8 into replacement characters, which would then be taken (and
 * stored) as text nobody typed.
 */
public final class PercentEncoding {
    private PercentEncoding() {
    }

    /** The text {@code raw} percent-encodes (a '+' a space, as forms send it), or null when it encodes none. */
    public static String decoded(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        int i = 0;
        while (i < raw.length()) {
            int escape = raw.indexOf('%', i);
            if (escape != i) {
                int end = escape < 0 ? raw.length() : escape;
                bytes.writeBytes(raw.substring(i, end).replace('+', ' ').getBytes(StandardCharsets.UTF_8));
                i = end;
                continue;
            }
            int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
            int low = high < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
            if (low < 0) {
                return null;
            }
            bytes.write(high << 4 | low);
            i += 3;
        }
        return utf8(bytes.toByteArray());
    }

    /**
     * Whether a URL-encoded form's body reads as text: UTF-8 as sent (a browser escapes every other byte, but a client
     * may send text unescaped), and every name and value percent-encoded UTF-8.
     */
    public static boolean readableForm(byte[] body) {
        String text = utf8(body);
        if (text == null) {
            return false;
        }
        for (String pair : text.split("&")) { // split as the framework splits it
            int equals = pair.indexOf('=');
            if (decoded(equals < 0 ? pair : pair.substring(0, equals)) == null
                    || equals >= 0 && decoded(pair.substring(equals + 1)) == null) {
                return false;
            }
        }
        return true;
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException notUtf8) {
            return null;
        }
    }
}
