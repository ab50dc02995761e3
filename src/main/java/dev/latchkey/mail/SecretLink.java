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
        // The token goes at the very end: into the fragment when there is one, where a hash-based router reads its
        // own query. The part it joins decides the joint: one that already has a query gets the token as one more
        // parameter, one that ends its query open ("...?" or "...&") gets it right there. A fragment without a query
        // starts its own, whatever the URL's query holds.
        int fragment = baseUrl.indexOf('#');
        String last = fragment < 0 ? baseUrl : baseUrl.substring(fragment);
        String joint = last.endsWith("?") || last.endsWith("&") ? "" : last.contains("?") ? "&" : "?";
        return baseUrl + joint + "token=" + token;
    }
}
