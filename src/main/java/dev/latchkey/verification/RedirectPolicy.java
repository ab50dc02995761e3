package dev.latchkey.verification;

import dev.latchkey.http.ApiError;
import dev.latchkey.http.FieldError;
import dev.latchkey.http.Text;
import dev.latchkey.tenant.Origins;
import dev.latchkey.tenant.TenantSettings;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Where links in emails may point: only to the tenant's {@code allowed_origins} (scheme, host and port), so that a
 * token can never be mailed inside a link to someone else's site. Checked before anything is looked up.
 */
public final class RedirectPolicy {
    public static final int MAX_URL = 2048;
    /**
     * Where the double opt-in's confirmation link points: taken where the shopper ticks the box (registration and
     * {@code PATCH /v1/me}), by the rules of {@code verification_url}.
     */
    public static final String MARKETING_FIELD = "marketing_confirmation_url";

    private RedirectPolicy() {
    }

    /**
     * Refuses a requested URL whose origin is not allowed: routes call it before the rate limit, which a refused
     * request must not use up (the contract: "before anything else is looked at").
     */
    public static void check(TenantSettings settings, String requestedUrl, String field) {
        linkBase(settings, requestedUrl, field);
    }

    /**
     * The base of the emailed link: the requested URL when its origin is allowed (else 422
     * {@code redirect_not_allowed}), without one the tenant's first allowed origin, and null when the tenant has none
     * (the message then carries the token alone).
     */
    public static String linkBase(TenantSettings settings, String requestedUrl, String field) {
        if (requestedUrl == null) {
            return settings.allowedOrigins().isEmpty() ? null : settings.allowedOrigins().getFirst();
        }
        String url = Text.trim(requestedUrl);
        String origin = Origins.ofUrl(url);
        if (origin == null || !settings.allowedOrigins().contains(origin)) {
            throw new ApiError(422, "redirect_not_allowed", field + " must point to one of the shop's allowed origins.",
                    List.of(new FieldError(field, "not_allowed",
                            "The origin of " + field + " is not in the tenant's allowed_origins.")));
        }
        if (carriesToken(url)) {
            // else anyone could have a genuine mail deliver a link whose first token is their own: a shopper who
            // follows it would set the password of, or verify, the sender's account (login CSRF)
            throw new ApiError(422, "redirect_not_allowed", field + " must not carry a token parameter.",
                    List.of(new FieldError(field, "token_parameter",
                            field + " already has a token parameter; the service adds the one the link carries.")));
        }
        return url;
    }

    /**
     * Whether any parameter list of the URL has a parameter that some reader takes for {@code token}: its query, and
     * in a fragment every part between {@code ?}, {@code &} and {@code ;} (a storefront may read a fragment route's
     * query, or the fragment itself as parameters). Names are percent-decoded, as a browser's {@code URLSearchParams}
     * reads them, and compared ignoring case, as some server frameworks do; {@code ;} separates parameters for others.
     */
    static boolean carriesToken(String url) {
        int hash = url.indexOf('#');
        String beforeFragment = hash < 0 ? url : url.substring(0, hash);
        int query = beforeFragment.indexOf('?');
        return query >= 0 && namesToken(beforeFragment.substring(query + 1), "[&;]")
                || hash >= 0 && namesToken(url.substring(hash + 1), "[?&;]");
    }

    private static boolean namesToken(String parameters, String separators) {
        for (String parameter : parameters.split(separators, -1)) {
            int equals = parameter.indexOf('=');
            String name = equals < 0 ? parameter : parameter.substring(0, equals);
            if (decoded(name).strip().equalsIgnoreCase("token")) {
                return true;
            }
        }
        return false;
    }

    private static String decoded(String name) {
        try {
            return URLDecoder.decode(name, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return name; // a browser keeps a malformed escape as it is
        }
    }
}
