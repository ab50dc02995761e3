package dev.latchkey.http;

import io.javalin.http.Context;

import java.util.regex.Pattern;

/**
 * Merchant-chosen identifiers that travel in URL paths (SKUs, order numbers): letters, digits, dot, underscore and
 * hyphen only, so they never need encoding. Dots alone ("." or "..") are refused because clients and proxies
 * resolve them as path segments.
 */
public final class Identifiers {
    private static final Pattern SAFE = Pattern.compile("^[A-Za-z0-9._-]+$");
    /** The longest of our own ids that a request may name. */
    public static final int MAX_ID = 64;

    private Identifiers() {
    }

    /** Records an error for {@code field} unless {@code value} (null when already refused) is safe. */
    public static void check(JsonInput in, String field, String value, int maxLength) {
        if (value != null && !safe(value, maxLength)) {
            in.reject(field, "invalid", field + " must be 1-" + maxLength
                    + " letters, digits, '.', '_' or '-' (not dots alone).");
        }
    }

    public static boolean safe(String value, int maxLength) {
        return value != null && !value.isEmpty() && value.length() <= maxLength && SAFE.matcher(value).matches()
                && !value.chars().allMatch(c -> c == '.');
    }

    /**
     * A path parameter that holds one of our own ids ({@code cus_...}, {@code ses_...}, {@code key_...}): anything that
     * cannot be one answers 404 for {@code what} without a look at the database.
     */
    public static String pathId(Context ctx, String param, String what) {
        String id = ctx.pathParam(param);
        if (!safe(id, MAX_ID)) {
            throw ApiError.notFound(what);
        }
        return id;
    }
}
