package dev.latchkey.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.javalin.router.Endpoint;
import io.javalin.router.InternalRouter;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Builds the Javalin server: JSON, limits, request ids, CORS preflights, the request log, metrics and error mapping.
 * Feature routes are handed in as plain functions that add themselves.
 */
public final class HttpServer {
    private static final Logger requestLog = LoggerFactory.getLogger("latchkey.request");
    public static final long MAX_BODY_BYTES = 1024 * 1024;
    private static final List<String> CREDENTIAL_HEADERS = List.of("Authorization", "X-Api-Key", "X-Order-Token");
    private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
            "OPTIONS");
    private static final String STOREFRONT_HEADERS = "Authorization, Content-Type, X-Api-Key, X-Request-Id, X-Order-Token";

    private HttpServer() {
    }

    /**
     * {@code logRequests} off drops the one log line per request (metrics are still recorded): on small machines that
     * line is a noticeable share of a cheap request's cost, and a proxy in front may keep an access log already.
     * {@code storefrontCors} sets the CORS headers a storefront route would (valid key, origin allowed by its tenant)
     * on a request refused before its route ran, so that the shop's page can read why.
     */
    public static Javalin create(ObjectMapper mapper, MeterRegistry metrics, boolean logRequests, Duration idleTimeout,
                                 Consumer<io.javalin.http.Context> storefrontCors, ErrorPages errorPages,
                                 List<Consumer<JavalinDefaultRoutingApi>> features) {
        var problems = new ProblemResponder(errorPages);
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.http.maxRequestSize = MAX_BODY_BYTES;
            config.http.prefer405over404 = true;
            // a path with an empty last segment is not its parent: DELETE /v1/me/sessions/ (an id left empty by a
            // client's bug) would otherwise end every session, and DELETE /v1/me/ would start the account's erasure
            config.router.ignoreTrailingSlashes = false;
            config.jsonMapper(new JavalinJackson(mapper, true));
            config.jetty.modifyServletContextHandler(handler -> {
                handler.addFilter(new FilterHolder(new UnreadBodies(idleTimeout)), "/*",
                        EnumSet.of(DispatcherType.REQUEST));
                handler.addFilter(new FilterHolder(new PlainRequests()), "/*", EnumSet.of(DispatcherType.REQUEST));
            });
            config.jetty.modifyHttpConfiguration(http -> http.setIdleTimeout(idleTimeout.toMillis()));
            // headers that trickle in are bounded as a JSON body is: within the idle timeout in all
            config.jetty.addConnector((server, http) -> {
                var connector = new ServerConnector(server, new Http1Connections(http, idleTimeout));
                connector.setHost(config.jetty.host);
                connector.setPort(config.jetty.port);
                return connector;
            });
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(10_000);
                server.setErrorHandler(new ProblemErrorHandler(errorPages));
            });
            config.requestLogger.http((ctx, ms) -> {
                // the route's own endpoint: the current one by now is an after-handler's, whose path is "*"
                Endpoint matched = ctx.endpoints().lastHttpEndpoint();
                String route = matched == null ? "unmatched" : matched.path;
                // a method named by the client is one more series in the registry: only the ones we answer get a tag
                String method = KNOWN_METHODS.contains(ctx.method().name()) ? ctx.method().name() : "OTHER";
                Timer.builder("http.server.requests").tag("method", method).tag("route", route)
                        .tag("status", Integer.toString(ctx.statusCode())).register(metrics)
                        .record((long) (ms * 1000), TimeUnit.MICROSECONDS);
                if (!logRequests) {
                    return;
                }
                // The path only: query strings may carry tokens (DELETE /v1/me?token=...), headers carry keys.
                requestLog.info("{} {} {} {}ms id={}", ctx.method(), ctx.path(), ctx.statusCode(),
                        String.format("%.1f", ms), RequestIds.of(ctx));
            });
            var routes = config.routes;
            routes.before(ctx -> {
                RequestIds.assign(ctx);
                ctx.header("X-Content-Type-Options", "nosniff");
                if (ctx.path().startsWith("/v1/")) {
                    ctx.header("Cache-Control", "no-store");
                }
                List<String> methods = ctx.method() == HandlerType.OPTIONS && ctx.path().startsWith("/v1/")
                        ? methodsOf(config.unsafe.internalRouter, ctx.path()) : List.of();
                // an unknown path goes on to its 404, as for any other method
                if (!methods.isEmpty()) {
                    preflight(ctx, methods);
                    ctx.skipRemainingHandlers(); // the after-handlers too: what they do for the answer is done here
                    ctx.res().setContentType(null);
                }
            });
            routes.exception(ApiError.class, problems::apiError);
            // a storefront request refused before its route looked at the key: the shop's page may still read why
            Consumer<io.javalin.http.Context> refusalCors = ctx -> {
                if (isStorefront(ctx.path())) {
                    storefrontCors.accept(ctx);
                }
            };
            routes.exception(HttpResponseException.class, (error, ctx) -> {
                refusalCors.accept(ctx); // an unknown path or method under a storefront prefix
                problems.framework(error, ctx);
            });
            routes.exception(Exception.class, problems::unexpected);
            var withHead = new HeadAsGet(routes);
            features.forEach(feature -> feature.accept(withHead));
            // after the features' own before-handlers, so that a refusal carries the headers they set (the dashboard's)
            routes.before(ctx -> {
                try {
                    refuseAnnouncedOversize(ctx);
                    refuseTransferCodings(ctx);
                    refuseEncodedBody(ctx);
                    refuseRepeatedCredentials(ctx);
                    refuseUnreadableQuery(ctx);
                } catch (ApiError refused) {
                    refusalCors.accept(ctx);
                    throw refused;
                }
            });
            // the framework's default type would otherwise label an answer that has no content (RFC 9110: 204 has none)
            routes.after(ctx -> {
                if (ctx.statusCode() == 204) {
                    ctx.res().setContentType(null);
                }
                // the framework answers a body that stopped arriving itself, with a bare 408, before any handler sees it
                if (ctx.statusCode() == 408 && ctx.resultInputStream() == null) {
                    problems.apiError(Requests.stopping(ctx) ? Requests.serverStopping() : new ApiError(408,
                            "request_timeout", "The request body did not arrive in full within "
                            + idleTimeout.toSeconds() + " s."), ctx);
                }
                Requests.endHeadOnly(ctx);
            });
        });
    }

    /** A body announced larger than the service reads is refused before the service looks at it. */
    private static void refuseAnnouncedOversize(io.javalin.http.Context ctx) {
        long limit = Requests.bodyLimit(ctx);
        if (ctx.req().getContentLengthLong() > limit) {
            throw Requests.tooLarge(limit);
        }
    }

    /**
     * HTTP/1.0 has no chunked transfer coding: a proxy in front that reads such a request by 1.0's rules frames it
     * otherwise than this server would, the ground of request smuggling, so RFC 9112 has the server treat it as
     * faulty and close the connection. A transfer coding the server does not undo is refused the same way.
     */
    private static void refuseTransferCodings(io.javalin.http.Context ctx) {
        if (ctx.header("Transfer-Encoding") == null) {
            return; // nearly every request: one lookup, no list of fields made
        }
        if ("HTTP/1.0".equals(ctx.req().getProtocol())) {
            throw new ApiError(400, "bad_request", "HTTP/1.0 requests cannot carry Transfer-Encoding.")
                    .withHeader("Connection", "close");
        }
        // only chunked is undone before the body is read: one sent gzipped as well would be read as the JSON it is not
        if (codings(ctx, "Transfer-Encoding").anyMatch(coding -> !coding.equalsIgnoreCase("chunked"))) {
            throw new ApiError(400, "bad_request", "Transfer-Encoding other than chunked is not supported.")
                    .withHeader("Connection", "close");
        }
    }

    /**
     * A body in a content coding (gzip, say) would be read as the JSON it is not, or worse, a plain body labelled so
     * would be acted on: neither is, as RFC 9110 has a server do with a coding it does not apply.
     */
    private static void refuseEncodedBody(io.javalin.http.Context ctx) {
        if (!hasBody(ctx.req())) {
            return;
        }
        // every field and every coding in a list: "identity" first must not hide a "gzip" after it
        if (codings(ctx, "Content-Encoding").anyMatch(coding -> !coding.equalsIgnoreCase("identity"))) {
            ctx.header("Accept-Encoding", "identity");
            throw new ApiError(415, "unsupported_media_type",
                    "Request bodies are read as sent: no Content-Encoding is applied.");
        }
    }

    /** The codings a field lists, over all its fields (a list may be split over several). */
    private static Stream<String> codings(io.javalin.http.Context ctx, String field) {
        return Collections.list(ctx.req().getHeaders(field)).stream().flatMap(value -> Arrays.stream(value.split(",")))
                .map(String::strip).filter(coding -> !coding.isEmpty());
    }

    static boolean hasBody(HttpServletRequest request) {
        long announced = request.getContentLengthLong();
        return announced > 0 || announced < 0 && request.getHeader("Transfer-Encoding") != null;
    }

    /**
     * Two credentials of one kind in one request: which one counts would depend on who reads the request (a proxy in
     * front may check the other), and HTTP allows one Authorization field.
     */
    private static void refuseRepeatedCredentials(io.javalin.http.Context ctx) {
        for (String name : CREDENTIAL_HEADERS) {
            if (repeated(ctx, name)) {
                throw new ApiError(400, "bad_request", "The request carries more than one " + name + " header.");
            }
        }
    }

    private static boolean repeated(io.javalin.http.Context ctx, String field) {
        Enumeration<String> values = ctx.req().getHeaders(field);
        if (!values.hasMoreElements()) {
            return false;
        }
        values.nextElement();
        return values.hasMoreElements();
    }

    /**
     * Every query parameter must read as text: the framework silently drops a name or value whose percent-escapes are
     * malformed ({@code %zz}, a trailing {@code %}), which turns a filter, a limit or a deletion's confirmation token
     * into its absence, and reads escaped bytes that are not UTF-8 ({@code %C3%28}) as replacement characters, another
     * value than was sent; and no value of the service may hold NUL (PostgreSQL text cannot). Refused here, not acted
     * on without the parameter, as another value or failing in SQL.
     */
    private static void refuseUnreadableQuery(io.javalin.http.Context ctx) {
        String query = ctx.queryString();
        if (query == null || query.indexOf('%') < 0) {
            return;
        }
        for (String pair : query.split("&")) { // split as the framework splits it
            int equals = pair.indexOf('=');
            String rawName = equals < 0 ? pair : pair.substring(0, equals);
            String name = PercentEncoding.decoded(rawName);
            String value = equals < 0 ? "" : PercentEncoding.decoded(pair.substring(equals + 1));
            if (name == null || value == null) {
                throw ApiError.validation(name == null ? rawName : name, "invalid", "The query parameter is not "
                        + "percent-encoded UTF-8: each '%' must be followed by two hex digits, and the bytes they "
                        + "escape must be UTF-8.");
            }
            if (name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                throw ApiError.validation(name.replace("\0", ""), "invalid",
                        "The query parameter may not contain a NUL character.");
            }
        }
    }

    /** Storefront paths get CORS; admin and platform paths never do. */
    private static boolean isStorefront(String path) {
        return path.startsWith("/v1/") && !path.startsWith("/v1/admin/") && !path.startsWith("/v1/platform/");
    }

    /** The methods the path has a route for, in the order {@code Allow} names them; none for an unknown path. */
    private static List<String> methodsOf(InternalRouter router, String path) {
        List<String> methods = new ArrayList<>();
        for (HandlerType type : List.of(HandlerType.GET, HandlerType.HEAD, HandlerType.POST, HandlerType.PUT,
                HandlerType.PATCH, HandlerType.DELETE)) {
            if (!router.findHttpHandlerEntries(type, path).isEmpty()) {
                methods.add(type.name());
            }
        }
        return methods;
    }

    /**
     * Preflights are answered before routing, for any origin (the key is not sent on a preflight); the real response
     * only carries Access-Control-Allow-Origin for the tenant's allowed origins. Admin and platform routes get no CORS
     * at all. Every answer to OPTIONS names the path's methods in {@code Allow} (RFC 9110 9.3.7).
     */
    private static void preflight(io.javalin.http.Context ctx, List<String> methods) {
        ctx.header("Allow", String.join(", ", methods) + ", OPTIONS");
        String origin = ctx.header("Origin");
        if (origin == null || !isStorefront(ctx.path())) {
            ctx.status(204);
            return;
        }
        ctx.header("Access-Control-Allow-Origin", origin);
        ctx.header("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE");
        ctx.header("Access-Control-Allow-Headers", STOREFRONT_HEADERS);
        ctx.header("Access-Control-Max-Age", "600");
        ctx.header("Vary", "Origin");
        ctx.status(204);
    }
}
