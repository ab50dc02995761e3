package dev.latchkey.http;

import dev.latchkey.db.DatabaseErrors;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The one place that turns refusals and failures into RFC 9457 problem+json. */
public final class ProblemResponder {
    private static final Logger log = LoggerFactory.getLogger(ProblemResponder.class);

    public void apiError(ApiError error, Context ctx) {
        error.headers().forEach(ctx::header);
        write(ctx, error.status(), error.code(), error.getMessage(), error.errors());
    }

    /** Javalin's own refusals: unknown route, wrong method, body too large, and the like. */
    public void framework(HttpResponseException error, Context ctx) {
        int status = error.getStatus();
        switch (status) {
            case 404 -> write(ctx, 404, "not_found", "No route matches " + ctx.method() + " " + ctx.path() + ".", List.of());
            case 405 -> {
                // RFC 9110 has a 405 name the methods the resource does answer; the framework's details list them
                error.getDetails().values().stream().findFirst().ifPresent(methods -> ctx.header("Allow", methods));
                write(ctx, 405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path() + ".", List.of());
            }
            case 413 -> write(ctx, 413, "payload_too_large", "The request body exceeds 1 MB.", List.of());
            default -> write(ctx, status, status >= 500 ? "internal_error" : "bad_request",
                    status >= 500 ? "The server failed." : "The request cannot be served.", List.of());
        }
    }

    public void unexpected(Exception error, Context ctx) {
        log.error("request {} {} failed (request id {})", ctx.method(), ctx.path(), RequestIds.of(ctx),
                DatabaseErrors.withoutValues(error));
        write(ctx, 500, "internal_error", "The server failed to handle this request; it has been logged.", List.of());
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
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }
}
