package dev.latchkey.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Errors that Jetty answers before a request reaches the application (a malformed URI such as one with {@code %00},
 * a bad header) are problem+json too, never Jetty's HTML page; or, where {@link ErrorPages} serves the path, that page:
 * the path as Jetty read it, or as the client sent it where Jetty could not read it.
 */
public final class ProblemErrorHandler extends ErrorHandler {
    private static final String DETAIL = "The request cannot be served.";

    private final ErrorPages pages;

    public ProblemErrorHandler(ErrorPages pages) {
        this.pages = pages;
    }

    /** Jetty writes its error page for GET, POST and HEAD only, and an empty answer for PUT, PATCH, DELETE and the rest. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int jettyCode, String message,
                                    Throwable cause, Callback callback) {
        // Jetty answers a request line of HTTP/2.0 426 Upgrade Required, as if the server would switch to HTTP/2 (it
        // speaks HTTP/1 only), and without the Upgrade field RFC 9110 requires of a 426: a version it does not support
        int code = jettyCode == HttpStatus.UPGRADE_REQUIRED_426 ? HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505 : jettyCode;
        String problem = switch (code) {
            case 404 -> "not_found";
            case 413 -> "payload_too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            // the client's doing (an HTTP version this server does not speak), not a failure of the server's
            case 505 -> "http_version_not_supported";
            default -> code >= 500 ? "internal_error" : "bad_request";
        };
        // the headers of a request refused while they were read may be incomplete, or none: then the id is a new one
        String requestId = RequestIds.chosen(request.getHeaders().get(RequestIds.HEADER));
        String body = "{\"type\":\"https://latchkey.dev/problems/" + problem.replace('_', '-') + "\","
                + "\"title\":\"" + HttpStatus.getMessage(code) + "\","
                + "\"status\":" + code + ",\"code\":\"" + problem + "\","
                + "\"detail\":\"" + DETAIL + "\",\"request_id\":\"" + requestId + "\"}";
        // the path as Jetty read it, or, where it could not (NUL, a malformed escape, a request line past its
        // buffer) and holds a placeholder of its own that no page serves, the start of the path as sent
        HttpURI uri = request.getHttpURI();
        Optional<ErrorPages.Page> page = Stream.concat(uri == null ? Stream.<String>empty()
                        : Stream.ofNullable(uri.getPath()), Http1Connections.sent(request)
                        .flatMap(SentRequestLine::path).stream())
                .flatMap(path -> pages.refusedBeforeRouting(path, code, DETAIL).stream()).findFirst();
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE,
                page.isPresent() ? "text/html;charset=utf-8" : "application/problem+json;charset=utf-8");
        response.getHeaders().put(RequestIds.HEADER, requestId);
        // the application's own headers are not set on these answers; a problem document needs no resources at all
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        response.getHeaders().put("X-Frame-Options", "DENY");
        // Jetty closes a connection after a request it could not parse; say so, so that clients do not reuse it
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        // a page's own (the dashboard's) take their place
        page.ifPresent(shown -> shown.headers().forEach(response.getHeaders()::put));
        byte[] content = page.map(ErrorPages.Page::html).orElse(body).getBytes(StandardCharsets.UTF_8);
        // where Jetty could not read the target its placeholder request is a GET, whose content it insists on: a HEAD
        // gets it then, on a connection that closes after it
        if (HttpMethod.HEAD.is(request.getMethod())) {
            // a HEAD answer has no content (RFC 9110 9.3.2), only the length a GET's would have
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, content.length);
            response.write(true, null, callback);
            return;
        }
        response.write(true, ByteBuffer.wrap(content), callback);
    }
}
