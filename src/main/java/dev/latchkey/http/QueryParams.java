package dev.latchkey.http;

import io.javalin.http.Context;

import java.time.Instant;
import java.time.LocalDate;

/** A list's filters, read from the query string. */
public final class QueryParams {
    private QueryParams() {
    }

    /**
     * The value of {@code name} as given, or null when it is absent; given twice answers 422 naming it: the second of
     * two would otherwise be dropped unseen, and a proxy reading the last could disagree with the server about which
     * page, orders or events a request asked for, or which confirmation it carried.
     */
    public static String single(Context ctx, String name) {
        if (ctx.queryParams(name).size() > 1) {
            throw ApiError.validation(name, "invalid", name + " must be given once.");
        }
        return ctx.queryParam(name);
    }

    /**
     * The trimmed value of {@code name}, or null when it is absent or blank; longer than {@code maxLength}, holding a
     * control character or given twice answers 422 naming it.
     */
    public static String text(Context ctx, String name, int maxLength) {
        String value = single(ctx, name);
        if (value == null || Text.isBlank(value)) {
            return null;
        }
        if (Text.length(value) > maxLength) {
            throw ApiError.validation(name, "too_long", name + " must be at most " + maxLength + " characters.");
        }
        if (Text.hasControlCharacter(value)) {
            throw ApiError.validation(name, "invalid", name + " must not contain control characters.");
        }
        return Text.trim(value);
    }

    /**
     * {@code true} or {@code false}, or null when absent or empty (a form's "any"); anything else, another case
     * included, answers 422 naming it, as does giving it twice.
     */
    public static Boolean bool(Context ctx, String name) {
        String raw = text(ctx, name, 16);
        return switch (raw) {
            case null -> null;
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw ApiError.validation(name, "invalid", name + " must be true or false.");
        };
    }

    /** An RFC 3339 timestamp ({@link Rfc3339}), or null when absent; anything else answers 422 naming it. */
    public static Instant instant(Context ctx, String name) {
        String raw = text(ctx, name, 64);
        return raw == null ? null : Rfc3339.parse(raw).orElseThrow(() ->
                ApiError.validation(name, "invalid", name + " must be " + Rfc3339.EXPECTED + "."));
    }

    /** A day, YYYY-MM-DD ({@link Rfc3339#parseDate}), or null when absent; anything else answers 422 naming it. */
    public static LocalDate date(Context ctx, String name) {
        String raw = text(ctx, name, 64);
        return raw == null ? null : Rfc3339.parseDate(raw).orElseThrow(() ->
                ApiError.validation(name, "invalid", name + " must be a date written YYYY-MM-DD, such as 2026-05-08."));
    }
}
