package dev.latchkey.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * An opaque keyset cursor: the sort key and id of the last item of a page. Keyset paging stays stable when rows are
 * inserted while a client pages.
 */
public record Cursor(Instant at, String id) {
    public String encode() {
        String raw = at.toEpochMilli() + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    public static Cursor decode(String cursor) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int colon = raw.indexOf(':');
            return new Cursor(Instant.ofEpochMilli(Long.parseLong(raw.substring(0, colon))), raw.substring(colon + 1));
        } catch (RuntimeException e) {
            throw ApiError.validation("cursor", "invalid", "cursor is not one this service issued.");
        }
    }
}
