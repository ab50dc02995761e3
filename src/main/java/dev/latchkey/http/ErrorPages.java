package dev.latchkey.http;

import io.javalin.http.Context;

/**
 * Where a refusal is shown as a page for people rather than as problem+json: the dashboard's paths, so that a stale
 * link, a wrong method or an unreadable query meets the browser with the dashboard's error page.
 */
public interface ErrorPages {
    boolean serves(Context ctx);

    void show(Context ctx, ApiError error);
}
