package dev.latchkey.http;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/** One page of a list: {@code {"data": [...], "next_cursor": "..." | null}}. */
public record Page<T>(List<T> data, String nextCursor) {
    /**
     * The page from up to {@code limit + 1} rows read in the order of {@code listing}: the extra row only tells that
     * more follow, and the cursor names the last row shown, in that list.
     */
    public static <T> Page<T> of(List<T> rows, int limit, Listing listing, Function<T, Cursor> cursorOf) {
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        return new Page<>(rows.subList(0, limit), cursorOf.apply(rows.get(limit - 1)).encode(listing));
    }

    /**
     * Every item of a list, read a page at a time as it is iterated ({@code fetch} reads the page after a cursor, the
     * first for null; its pages are of {@code listing}): a data export writes a long history without holding all of it
     * at once.
     */
    public static <T> Iterable<T> all(Listing listing, Function<Cursor, Page<T>> fetch) {
        return () -> new Iterator<>() {
            private Page<T> page = fetch.apply(null);
            private Iterator<T> items = page.data().iterator();

            @Override
            public boolean hasNext() {
                while (!items.hasNext() && page.nextCursor() != null) {
                    page = fetch.apply(Cursor.decode(page.nextCursor(), listing));
                    items = page.data().iterator();
                }
                return items.hasNext();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return items.next();
            }
        };
    }

    /** The same page with each item turned into what the API shows. */
    public <R> Page<R> map(Function<T, R> view) {
        return new Page<>(data.stream().map(view).toList(), nextCursor);
    }
}
