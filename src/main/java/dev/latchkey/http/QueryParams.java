package dev.latchkey.http;

import io.javalin.http.Context;

/** A list's filters, read from the query string. */
public final class QueryParams {
    private QueryParams() {
    }

    /**
     * The trimmed value of {@code name}, or null when it is absent or blank; longer than {@code maxLength} or holding a
     * control character answers 422 naming it.
     */
    public static String text(Context ctx, String name, int maxLength) {
        String value = ctx.queryParam(name);
        if (value == null || Text.isBlank(value)) {
            return null;
        }
        if (value.length() > maxLength) {
            throw ApiError.validation(name, "too_long", name + " must be at most " + maxLength + " characters.");
        }
        if (Text.hasControlCharacter(value)) {
            throw ApiError.validation(name, "invalid", name + " must not contain control characters.");
        }
        return Text.trim(value);
    }
}
