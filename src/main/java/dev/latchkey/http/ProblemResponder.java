package dev.latchkey.http;

import dev.latchkey.db.DatabaseErrors;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place that turns refusals and failures into RFC 9457 problem+json, or into a page where {@link ErrorPages}
 * serves the path.
 */
public final class ProblemResponder {
    private static final Logger log = LoggerFactory.getLogger(ProblemResponder.class);

    private final ErrorPages pages;

    public ProblemResponder(ErrorPages pages) {
        this.pages = pages;
    }

    public void apiError(ApiError error, Context ctx) {
        if (Requests.answerAbandoned(ctx)) {
            answerCutShort(error, ctx);
            return;
        }
        error.headers().forEach(ctx::header);
        if (pages.serves(ctx) && shownAsPage(error, ctx)) {
            return;
        }
        write(ctx, error.status(), error.code(), error.getMessage(), error.errors());
    }

    /** Javalin's own refusals: unknown route, wrong method, body too large, and the like. */
    public void framework(HttpResponseException error, Context ctx) {
        int status = error.getStatus();
        apiError(switch (status) {
            case 404 -> new ApiError(404, "not_found", "No route matches " + ctx.method() + " " + ctx.path() + ".");
            case 405 -> {
                // RFC 9110 has a 405 name the methods the resource does answer; the framework's details list them,
                // without the OPTIONS that the API's paths answer before routing
                String options = ctx.path().startsWith("/v1/") ? ", OPTIONS" : "";
                error.getDetails().values().stream().findFirst()
                        .ifPresent(methods -> ctx.header("Allow", methods + options));
                yield new ApiError(405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path() + ".");
            }
            case 413 -> new ApiError(413, "payload_too_large", "The request body exceeds 1 MB.");
            default -> new ApiError(status, status >= 500 ? "internal_error" : "bad_request",
                    status >= 500 ? "The server failed." : "The request cannot be served.");
        }, ctx);
    }

    public void unexpected(Exception error, Context ctx) {
        if (Requests.answerAbandoned(ctx) || ctx.res().isCommitted()) {
            answerCutShort(error, ctx);
            return;
        }
        if (bodyCutShort(error)) {
            // the client's doing (it sent less than its Content-Length, or gave up while sending): no failure of ours
            log.info("request {} {}: the request body ended early (request id {})", ctx.method(), ctx.path(),
                    RequestIds.of(ctx));
            apiError(new ApiError(400, "bad_request", "The request body ended before the length it announced."), ctx);
            return;
        }
        if (DatabaseErrors.unreachable(error)) {
            // an outage, not a bug: one line per request, not a stack trace each, and an answer a client may retry
            log.warn("request {} {}: the database cannot be reached (request id {}): {}", ctx.method(), ctx.path(),
                    RequestIds.of(ctx), DatabaseErrors.chain(error));
            apiError(ApiError.databaseUnavailable(), ctx);
            return;
        }
        log.error("request {} {} failed (request id {})", ctx.method(), ctx.path(), RequestIds.of(ctx),
                DatabaseErrors.withoutValues(error));
        apiError(new ApiError(500, "internal_error", "The server failed to handle this request; it has been logged."),
                ctx);
    }

    /**
     * A failure after the answer began (a long answer written as it is read, such as a data export): no problem
     * document can follow what went out, and the client sees a body that ends short. A client that stopped reading, or
     * went away, is its own doing; anything else is ours and logged as such, without values.
     */
    private static void answerCutShort(Exception error, Context ctx) {
        if (clientLeft(error)) {
            log.info("request {} {}: the client stopped reading the answer (request id {})", ctx.method(), ctx.path(),
                    RequestIds.of(ctx));
        } else {
            log.warn("request {} {} failed after its answer began; the answer was cut short (request id {})",
                    ctx.method(), ctx.path(), RequestIds.of(ctx), DatabaseErrors.withoutValues(error));
        }
    }

    /** The client went away, or stopped taking what was sent for longer than the idle timeout. */
    static boolean clientLeft(Throwable error) {
        return bodyCutShort(error) || timedOut(error);
    }

    /** A write that waited longer than the idle timeout for the client to take what was sent. */
    private static boolean timedOut(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException && t.getCause() instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static boolean bodyCutShort(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof EofException) {
                return true;
            }
        }
        return false;
    }

    /** False when the page itself could not be made (its frame reads the database): problem+json it is, then. */
    private boolean shownAsPage(ApiError error, Context ctx) {
        try {
            pages.show(ctx, error);
            return true;
        } catch (RuntimeException e) {
            log.error("error page for {} {} failed (request id {})", ctx.method(), ctx.path(), RequestIds.of(ctx),
                    DatabaseErrors.withoutValues(e));
            return false;
        }
    }

    public static void write(Context ctx, int status, String code, String detail, List<FieldError> errors) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "https://latchkey.dev/problems/" + code.replace('_', '-'));
        body.put("title", title(status));
        body.put("status", status);
        body.put("code", code);
        body.put("detail", detail);
        if (!errors.isEmpty()) {
            body.put("errors", errors);
        }
        body.put("request_id", RequestIds.of(ctx));
        ctx.status(status);
        ctx.json(body);
        ctx.contentType("application/problem+json");
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }
}
