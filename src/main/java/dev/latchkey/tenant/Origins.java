package dev.latchkey.tenant;

import dev.latchkey.http.Text;

import java.net.URI;

/** Origin parsing shared by settings and redirect checks: scheme, host and port, nothing else. */
public final class Origins {
    private Origins() {
    }

    /** The canonical origin of an origin string, or null when it is not a bare http(s) origin. */
    public static String normalise(String raw) {
        URI uri = parse(raw);
        if (uri == null || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return null;
        }
        return originOf(uri);
    }

    /** The origin of a full URL (for redirect checks), or null when it is not an absolute http(s) URL. */
    public static String ofUrl(String raw) {
        URI uri = parse(raw);
        return uri == null ? null : originOf(uri);
    }

    /**
     * Whether a canonical origin may be plain http: only on this machine (localhost, a name under .localhost, a
     * loopback address), as browsers also treat them as secure. Anywhere else the links sent there, which carry
     * tokens, would cross the network in the clear.
     */
    public static boolean secureEnough(String origin) {
        if (origin.startsWith("https://")) {
            return true;
        }
        String host = URI.create(origin).getHost();
        return host.equals("localhost") || host.endsWith(".localhost") || host.equals("[::1]") || isLoopbackV4(host);
    }

    /** 127.0.0.0/8 written as four decimal numbers: 127.example.com is a public name that merely starts alike. */
    private static boolean isLoopbackV4(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /** The longest host name DNS allows, and the longest label in it. */
    private static final int MAX_HOST = 253;
    private static final int MAX_LABEL = 63;

    private static URI parse(String raw) {
        if (raw == null || raw.length() > 2048 || Text.hasControlCharacter(raw)) {
            return null;
        }
        try {
            URI uri = new URI(Text.trim(raw));
            String scheme = uri.getScheme();
            if (scheme == null || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getPort() == 0
                    || uri.getPort() > 65535
                    || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || !isDnsSized(uri.getHost())) {
                return null;
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    /** No browser sends an origin beyond these sizes, and they bound what a tenant's settings can hold. */
    private static boolean isDnsSized(String host) {
        if (host.length() > MAX_HOST) {
            return false;
        }
        for (String label : host.split("\\.")) {
            if (label.length() > MAX_LABEL) {
                return false;
            }
        }
        return true;
    }

    private static String originOf(URI uri) {
        String scheme = uri.getScheme().toLowerCase();
        int port = uri.getPort();
        int defaultPort = scheme.equals("https") ? 443 : 80;
        String host = uri.getHost().toLowerCase();
        return scheme + "://" + host + (port == -1 || port == defaultPort ? "" : ":" + port);
    }
}
