package dev.latchkey.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The first bytes of a request as the client sent them, kept while its request line is parsed. Where the server
 * refuses a request whose target it could not read (NUL or a malformed escape in the path, dots escaped past the root,
 * a request line past its buffer), it hands its error handler a placeholder path of its own, which no page serves:
 * only these bytes still tell a dashboard page's path from an API call's. Written and read on the connection's parsing
 * thread, or on one the refusal was handed to after they were written.
 */
final class SentRequestLine {
    /** Enough for any method the service answers and the start of a path that tells which feature serves it. */
    private static final int KEPT = 64;

    private final byte[] bytes = new byte[KEPT];
    private int length;

    /** A new request begins: what was kept of the last one no longer counts. */
    void restart() {
        length = 0;
    }

    boolean full() {
        return length == KEPT;
    }

    /** Copies the buffer's next bytes, leaving them unread, until enough are kept. */
    void keep(ByteBuffer buffer) {
        int count = Math.min(KEPT - length, buffer.remaining());
        buffer.get(buffer.position(), bytes, length, count);
        length += count;
    }

    /**
     * The path as sent, still percent-encoded, up to its query or the end of what was kept (so perhaps only its
     * start); empty while no target was seen.
     */
    Optional<String> path() {
        String line = line();
        int space = line.indexOf(' ');
        if (space < 0) {
            return Optional.empty();
        }
        String target = line.substring(space + 1);
        int end = 0;
        while (end < target.length() && " ?#\r\n".indexOf(target.charAt(end)) < 0) {
            end++;
        }
        return end == 0 ? Optional.empty() : Optional.of(target.substring(0, end));
    }

    /** Empty lines before a request line are ignored (RFC 9112 2.2); a byte that is not ASCII stays one character. */
    private String line() {
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1).stripLeading();
    }
}
