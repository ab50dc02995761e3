package dev.latchkey.oidc;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/** application/x-www-form-urlencoded parameters, as a query and as a token request's body. */
final class Forms {
    private static final int MAX_SHOWN = 60;

    private Forms() {
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The parameters in their order, encoded and joined with {@code &}. */
    static String of(Map<String, String> parameters) {
        return parameters.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    /** A provider's error code as it may be shown: word characters only, and short. */
    static String printable(String text) {
        String kept = text.replaceAll("[^A-Za-z0-9_.-]", "");
        return kept.length() <= MAX_SHOWN ? kept : kept.substring(0, MAX_SHOWN);
    }
}
