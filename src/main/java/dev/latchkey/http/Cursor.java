package dev.latchkey.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * An opaque keyset cursor: the sort key and id of the last item of a page. Keyset paging stays stable when rows are
 * inserted while a client pages.
 */
public record Cursor(Instant at, String id) {
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");
    /** Every id keyed on (ids and tenant ids alike): letters, digits, '_' and '-'. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    /**
     * Whether a cursor can hold this time: years 0001 to 9999 in UTC, to the millisecond, which both databases store.
     * A timestamp taken from a client and paged over must be one of them, or its page's cursor would be refused.
     */
    public static boolean holds(Instant at) {
        return !at.isBefore(EARLIEST) && !at.isAfter(LATEST);
    }

    public String encode() {
        String raw = at.toEpochMilli() + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The cursor is not signed, so a forged one must fail here, never in SQL: its time must be one a database stores
     * and its id one this service could have made.
     */
    public static Cursor decode(String cursor) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int colon = raw.indexOf(':');
            long millis = Text.wholeNumber(raw.substring(0, colon)).orElseThrow();
            String id = raw.substring(colon + 1);
            if (!holds(Instant.ofEpochMilli(millis)) || !ID.matcher(id).matches()) {
                throw invalid();
            }
            return new Cursor(Instant.ofEpochMilli(millis), id);
        } catch (RuntimeException e) {
            throw invalid();
        }
    }

    private static ApiError invalid() {
        return ApiError.validation("cursor", "invalid", "cursor is malformed: send the next_cursor of a page as it came.");
    }
}
