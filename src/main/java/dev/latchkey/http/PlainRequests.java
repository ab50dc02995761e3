package dev.latchkey.http;

import io.javalin.http.Context;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Lets the framework see every request the same plain way, whatever its headers claim.
 * <ul>
 * <li>Without a {@code charset} in {@code Content-Type}: the framework decodes the query string (and a form) in the
 * charset that header names, and fails outright on one without a value, reads every parameter as absent under one it
 * does not know, and misreads percent-escapes under any other. Query strings and forms are UTF-8 here, as JSON bodies
 * are. The header as sent stays readable through {@link #declaredContentType}, for the dashboard to refuse a form in
 * another charset.</li>
 * <li>Without {@code Upgrade} and the {@code Sec-WebSocket-*} fields: the service has no WebSocket route, yet the
 * framework answers an upgrade request (which it knows by {@code Sec-WebSocket-Version}) 404 and keeps a servlet
 * session for it, which any client could pile up. The request is served as the plain request it also is.</li>
 * </ul>
 */
public final class PlainRequests implements Filter {
    private static final String DECLARED_CONTENT_TYPE = "latchkey.declared-content-type";

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        var http = (HttpServletRequest) request;
        String contentType = http.getHeader("Content-Type");
        if ((contentType == null || !namesCharset(contentType)) && http.getHeader("Upgrade") == null
                && http.getHeader("Sec-WebSocket-Version") == null) {
            chain.doFilter(request, response);
            return;
        }
        if (contentType != null) {
            request.setAttribute(DECLARED_CONTENT_TYPE, everyContentType(http));
        }
        chain.doFilter(new Plain(http, contentType == null ? null : withoutCharset(contentType)), response);
    }

    /**
     * The {@code Content-Type} the client sent, its charset included; several such fields joined by commas, as one
     * list (a body has one type: a reader of the list finds it is not one).
     */
    public static String declaredContentType(Context ctx) {
        Object declared = ctx.req().getAttribute(DECLARED_CONTENT_TYPE);
        return declared != null ? (String) declared : everyContentType(ctx.req());
    }

    private static String everyContentType(HttpServletRequest request) {
        List<String> values = Collections.list(request.getHeaders("Content-Type"));
        return values.isEmpty() ? null : String.join(", ", values);
    }

    /**
     * Whether a part of a {@code Content-Type} is one the framework would read as the charset: any part, the media type
     * included, that starts with "charset" once trimmed, in any case.
     */
    public static boolean isCharsetPart(String part) {
        return part.strip().regionMatches(true, 0, "charset", 0, "charset".length());
    }

    /** A {@code Content-Type} parameter's value as given, trimmed and without the quotes of a quoted string. */
    public static String parameterValue(String raw) {
        String value = raw.trim();
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }

    private static boolean namesCharset(String contentType) {
        for (String part : contentType.split(";", -1)) {
            if (isCharsetPart(part)) {
                return true;
            }
        }
        return false;
    }

    private static String withoutCharset(String contentType) {
        return List.of(contentType.split(";", -1)).stream().filter(part -> !isCharsetPart(part))
                .collect(Collectors.joining(";"));
    }

    private static final class Plain extends HttpServletRequestWrapper {
        private final String contentType;

        Plain(HttpServletRequest request, String contentType) {
            super(request);
            this.contentType = contentType;
        }

        @Override
        public String getHeader(String name) {
            if (name.equalsIgnoreCase("Content-Type")) {
                return contentType;
            }
            return hidden(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            if (name.equalsIgnoreCase("Content-Type")) {
                return Collections.enumeration(contentType == null ? List.of() : List.of(contentType));
            }
            return hidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            return Collections.enumeration(Collections.list(super.getHeaderNames()).stream()
                    .filter(name -> !hidden(name)).toList());
        }

        private static boolean hidden(String name) {
            return name.equalsIgnoreCase("Upgrade") || name.regionMatches(true, 0, "Sec-WebSocket-", 0, 14);
        }

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        public String getCharacterEncoding() {
            return null;
        }
    }
}
