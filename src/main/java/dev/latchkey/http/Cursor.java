package dev.latchkey.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * An opaque keyset cursor: the sort key and id of the last item of a page. Keyset paging stays stable when rows are
 * inserted while a client pages. Written, it also names its {@link Listing}, and is read by that list only.
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

    /**
     * Whether {@code until} (exclusive, nullable) rather than the cursor {@code before} (nullable) ends a newest-first
     * page's range, when a list is bounded by both. A store names only the tighter of the two in its SQL (the other
     * follows from it): H2 starts its walk down an index at the later of two such bounds, and would read every row
     * between them.
     */
    public static boolean untilEndsTighter(Instant until, Cursor before) {
        return until != null && (before == null || !before.at().isBefore(until));
    }

    /** {@code list:millis:id}; cursors written before they named their list were {@code millis:id}. */
    public String encode(Listing listing) {
        String raw = listing.tag() + ":" + at.toEpochMilli() + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The position a cursor of {@code listing} names. The cursor is not signed, so a forged one must fail here, never
     * in SQL: its time must be one a database stores and its id one this service could have made. A cursor of another
     * list is refused with the same 422, naming {@code cursor}, as a malformed one.
     */
    public static Cursor decode(String cursor, Listing listing) {
        String raw;
        try {
            raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw malformed();
        }
        int colon = raw.indexOf(':');
        String head = colon < 0 ? raw : raw.substring(0, colon);
        if (Text.wholeNumber(head).isPresent()) {
            if (!listing.readsUnnamed()) {
                throw ofAnotherList();
            }
            return position(raw);
        }
        if (!head.equals(listing.tag())) {
            throw Listing.ofTag(head).isPresent() ? ofAnotherList() : malformed();
        }
        return position(raw.substring(colon + 1));
    }

    /** {@code millis:id}, checked. */
    private static Cursor position(String raw) {
        int colon = raw.indexOf(':');
        if (colon < 0) {
            throw malformed();
        }
        long millis = Text.wholeNumber(raw.substring(0, colon)).orElseThrow(Cursor::malformed);
        String id = raw.substring(colon + 1);
        if (!holds(Instant.ofEpochMilli(millis)) || !ID.matcher(id).matches()) {
            throw malformed();
        }
        return new Cursor(Instant.ofEpochMilli(millis), id);
    }

    private static ApiError malformed() {
        return ApiError.validation("cursor", "invalid", "cursor is malformed: send the next_cursor of a page as it came.");
    }

    private static ApiError ofAnotherList() {
        return ApiError.validation("cursor", "invalid", "cursor is of another list or order: send the next_cursor of a "
                + "page of this list, asked for with the same parameters.");
    }
}
