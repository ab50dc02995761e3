package dev.latchkey.http;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class PageTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    /** Rows 0..count-1, newest first as the lists are, read like a store reads them: the page after the cursor. */
    private static Page<Integer> pageAfter(int count, Cursor after, int limit, List<Cursor> asked) {
        asked.add(after);
        int from = after == null ? 0 : Integer.parseInt(after.id()) + 1;
        List<Integer> rows = IntStream.range(from, Math.min(count, from + limit + 1)).boxed().toList();
        return Page.of(rows, limit, Listing.ORDERS, row -> new Cursor(AT, Integer.toString(row)));
    }

    @Test
    void allWhenSeveralPagesThenEveryItemOnceInOrderReadAPageAtATime() {
        List<Cursor> asked = new ArrayList<>();
        Iterable<Integer> all = Page.all(Listing.ORDERS, after -> pageAfter(7, after, 3, asked));
        assertThat(asked).as("nothing read before iterating").isEmpty();

        List<Integer> first = new ArrayList<>();
        all.forEach(first::add);

        assertThat(first).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(asked).extracting(cursor -> cursor == null ? null : cursor.id()).containsExactly(null, "2", "5");
        assertThat(all).as("iterated again from the start").containsExactly(0, 1, 2, 3, 4, 5, 6);
    }

    @Test
    void allWhenEmptyOrExactlyOnePageThenOneRead() {
        List<Cursor> asked = new ArrayList<>();
        assertThat(Page.all(Listing.ORDERS, after -> pageAfter(0, after, 3, asked))).isEmpty();
        assertThat(Page.all(Listing.ORDERS, after -> pageAfter(3, after, 3, asked))).containsExactly(0, 1, 2);
        assertThat(asked).hasSize(2);
    }
}
