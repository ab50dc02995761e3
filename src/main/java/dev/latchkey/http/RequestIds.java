package dev.latchkey.http;

import io.javalin.http.Context;

import java.util.UUID;
import java.util.regex.Pattern;

/** Every response carries X-Request-Id: the caller's when it is a sane token, else a new one. */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";
    private static final String ATTRIBUTE = "latchkey.request-id";
    private static final Pattern VALID = Pattern.compile("^[A-Za-z0-9._:-]{1,128}$");

    private RequestIds() {
    }

    public static void assign(Context ctx) {
        String id = chosen(ctx.header(HEADER));
        ctx.attribute(ATTRIBUTE, id);
        ctx.header(HEADER, id);
    }

    /** The caller's id ({@code incoming}, nullable) when it is a sane token, else a new one. */
    static String chosen(String incoming) {
        return incoming != null && VALID.matcher(incoming).matches() ? incoming : UUID.randomUUID().toString();
    }

    public static String of(Context ctx) {
        String id = ctx.attribute(ATTRIBUTE);
        return id == null ? "" : id;
    }
}
