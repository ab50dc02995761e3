package dev.latchkey.http;

import io.javalin.http.Context;

import java.util.Map;
import java.util.Optional;

/**
 * Where a refusal is shown as a page for people rather than as problem+json: the dashboard's paths, so that a stale
 * link, a wrong method or an unreadable query meets the browser with the dashboard's error page.
 */
public interface ErrorPages {
    boolean serves(Context ctx);

    void show(Context ctx, ApiError error);

    /**
     * The page for a request the HTTP server refused before any route ran, when its {@code path} (as sent, still
     * percent-encoded; perhaps only its start, where the server could not read it all) is one served here; empty
     * otherwise. {@code message} says why, in the words the problem+json
     * would use.
     */
    Optional<Page> refusedBeforeRouting(String path, int status, String message);

    /** An HTML page and the headers that go with it. */
    record Page(Map<String, String> headers, String html) {
    }
}
