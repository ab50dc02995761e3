package dev.latchkey.http;

import java.util.List;
import java.util.function.Function;

/** One page of a list: {@code {"data": [...], "next_cursor": "..." | null}}. */
public record Page<T>(List<T> data, String nextCursor) {
    /**
     * The page from up to {@code limit + 1} rows read in list order: the extra row only tells that more follow, and the
     * cursor names the last row shown.
     */
    public static <T> Page<T> of(List<T> rows, int limit, Function<T, Cursor> cursorOf) {
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        return new Page<>(rows.subList(0, limit), cursorOf.apply(rows.get(limit - 1)).encode());
    }

    /** The same page with each item turned into what the API shows. */
    public <R> Page<R> map(Function<T, R> view) {
        return new Page<>(data.stream().map(view).toList(), nextCursor);
    }
}
