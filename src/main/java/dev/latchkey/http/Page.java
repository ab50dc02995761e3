package dev.latchkey.http;

import java.util.List;

/** One page of a list: {@code {"data": [...], "next_cursor": "..." | null}}. */
public record Page<T>(List<T> data, String nextCursor) {
}
