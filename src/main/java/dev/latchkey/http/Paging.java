package dev.latchkey.http;

import io.javalin.http.Context;

/**
 * Reads {@code ?limit=} (default 20, 1..100) and {@code ?cursor=}, a cursor of the list asked for; either one given
 * empty reads as absent, either one given twice is refused.
 */
public record Paging(int limit, Cursor cursor) {
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    public static Paging from(Context ctx, Listing listing) {
        String rawLimit = QueryParams.single(ctx, "limit");
        int limit = DEFAULT_LIMIT;
        if (rawLimit != null && !rawLimit.isEmpty()) {
            long asked = Text.wholeNumber(rawLimit).orElse(-1);
            if (asked < 1 || asked > MAX_LIMIT) {
                throw ApiError.validation("limit", "out_of_range", "limit must be between 1 and " + MAX_LIMIT + ".");
            }
            limit = (int) asked;
        }
        String rawCursor = QueryParams.single(ctx, "cursor");
        return new Paging(limit, rawCursor == null || rawCursor.isEmpty() ? null : Cursor.decode(rawCursor, listing));
    }
}
