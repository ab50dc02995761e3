package dev.latchkey.mail;

import java.time.Duration;

/**
 * The single-use token a message carries. {@code baseUrl} (nullable: the tenant has no allowed origin and the request
 * named none) becomes the link {@code {baseUrl}?token={token}}; without it the message shows the token alone.
 */
public record SecretLink(String baseUrl, String token, Duration validFor) {
    /** {@code {baseUrl}?token={token}}, or "" without a base URL. */
    static String link(String baseUrl, String token) {
        if (baseUrl == null) {
            return "";
        }
        // A URL that already has a query (or a fragment route with one) gets the token as one more parameter; one
        // that ends its query open ("...?" or "...&") gets it right there.
        String joint = baseUrl.endsWith("?") || baseUrl.endsWith("&") ? "" : baseUrl.contains("?") ? "&" : "?";
        return baseUrl + joint + "token=" + token;
    }
}
