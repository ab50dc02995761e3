package dev.latchkey.http;

import java.util.List;
import java.util.function.Function;

/** One page of a list: {@code {"data": [...], "next_cursor": "..." | null}}. */
public record Page<T>(List<T> data, String nextCursor) {
    /**
     * The page of the first {@code limit} rows out of {@code limit + 1} read: the extra row only tells that more follow,
     * and the cursor points after the last row shown.
     */
    public static <T> Page<T> of(List<T> rows, int limit, Function<T, Cursor> cursorOf) {
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        return new Page<>(rows.subList(0, limit), cursorOf.apply(rows.get(limit - 1)).encode());
    }
}
