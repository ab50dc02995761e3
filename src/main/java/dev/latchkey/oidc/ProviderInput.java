package dev.latchkey.oidc;

import dev.latchkey.http.FieldError;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Text;
import dev.latchkey.webhook.OutboundCalls;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads an identity provider's fields, for a creation (the required ones) or a change (any of them). The issuer must
 * be a URL the server may call, by the webhooks' rules: its host is resolved last, once every other field is valid.
 * The provider authenticates with a {@code client_secret} or with an Apple signing key ({@code apple_team_id},
 * {@code apple_key_id}, {@code apple_private_key}), never both in one body (each Apple field given beside a secret is
 * refused); a creation needs the one or all three of the other. The private key must be a P-256 key in PKCS#8 PEM, and no refusal quotes it.
 */
final class ProviderInput {
    static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?");
    static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5b\\x5d-\\x7e]{1,100}");
    /** OAuth 2.0's client secret (RFC 6749, appendix A.2): printable ASCII, so that its limit is one in bytes too. */
    private static final Pattern CLIENT_SECRET = Pattern.compile("[\\x20-\\x7e]+");
    /** What the provider's scopes column holds, and far more than any provider's scope parameter needs. */
    private static final int MAX_SCOPES_JOINED = 1000;
    private static final Set<String> FIELDS = Set.of("slug", "display_name", "issuer", "client_id", "client_secret",
            "apple_team_id", "apple_key_id", "apple_private_key", "scopes", "enabled");
    private static final List<String> APPLE_FIELDS = List.of("apple_team_id", "apple_key_id", "apple_private_key");
    /** A {@code .p8} file of a P-256 key is about 250 characters; this leaves room for line ends and a longer one. */
    static final int MAX_PRIVATE_KEY = 1000;
    private static final int MAX_SCOPES = 20;
    static final int MAX_ISSUER = 2048;

    /**
     * The fields given; null where left out (a change keeps them). {@code applePrivateKey} is the key's PKCS#8
     * encoding.
     */
    record Fields(String slug, String displayName, String issuer, String clientId, String clientSecret,
                  String appleTeamId, String appleKeyId, byte[] applePrivateKey, List<String> scopes,
                  Boolean enabled) {

        /** Whether the body gives any part of an Apple signing key. */
        boolean appleKeyGiven() {
            return appleTeamId != null || appleKeyId != null || applePrivateKey != null;
        }
    }

    private final OutboundCalls calls;

    ProviderInput(OutboundCalls calls) {
        this.calls = calls;
    }

    Fields read(JsonInput in, boolean creation) {
        in.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                in.reject(name, "unknown_field", name + " is not a field of an identity provider.");
            }
        });
        String slug = text(in, "slug", 40, creation);
        if (slug != null && !SLUG.matcher(slug).matches()) {
            in.reject("slug", "invalid", "slug must be 1 to 40 of a-z, 0-9 and -, not starting or ending with -.");
        }
        String displayName = text(in, "display_name", 100, creation);
        String issuer = text(in, "issuer", MAX_ISSUER, creation);
        if (issuer != null) {
            calls.formError("issuer", issuer).ifPresent(error -> reject(in, error));
            if (!in.hasErrorFor("issuer") && (issuer.contains("?") || issuer.contains("#"))) {
                in.reject("issuer", "invalid", "issuer must not have a query or a fragment.");
            }
        }
        String clientId = text(in, "client_id", 255, creation);
        boolean apple = APPLE_FIELDS.stream().anyMatch(in::given);
        boolean secret = in.given("client_secret");
        String clientSecret = text(in, "client_secret", 1000, creation && !apple);
        if (clientSecret != null && !CLIENT_SECRET.matcher(clientSecret).matches()) {
            in.reject("client_secret", "invalid", "client_secret must be printable ASCII, as OAuth 2.0 defines it.");
        }
        if (secret) {
            // the Apple fields are the ones out of place: a body with a secret needs none of them
            APPLE_FIELDS.stream().filter(in::given).forEach(field -> in.reject(field, "invalid", field + " is part "
                    + "of an Apple signing key, which a provider has instead of a client_secret: give the one or the "
                    + "other."));
        }
        boolean wholeKey = creation && apple && !secret;
        String appleTeamId = appleId(in, "apple_team_id", wholeKey);
        String appleKeyId = appleId(in, "apple_key_id", wholeKey);
        byte[] applePrivateKey = applePrivateKey(in, wholeKey);
        List<String> scopes = in.distinctStrings("scopes", MAX_SCOPES, 100).orElse(null);
        if (scopes != null) {
            if (!scopes.contains("openid")) {
                in.reject("scopes", "invalid", "scopes must include openid.");
            } else if (scopes.stream().anyMatch(scope -> !SCOPE.matcher(scope).matches())) {
                in.reject("scopes", "invalid", "a scope is printable ASCII without spaces, quotes or backslashes.");
            } else if (String.join(" ", scopes).length() > MAX_SCOPES_JOINED) {
                in.reject("scopes", "too_long", "scopes must come to at most " + MAX_SCOPES_JOINED
                        + " characters, joined by spaces.");
            }
        }
        Boolean enabled = in.bool("enabled").orElse(null);
        if (issuer != null && in.valid()) {
            calls.addressError("issuer", issuer).ifPresent(error -> reject(in, error));
        }
        in.validate();
        return new Fields(slug, displayName, issuer, clientId, clientSecret, appleTeamId, appleKeyId,
                applePrivateKey, scopes, enabled);
    }

    /** A team id or a key id of Apple's developer account. */
    private static String appleId(JsonInput in, String field, boolean required) {
        String value = text(in, field, 10, required);
        if (value != null && !AppleClientSecret.APPLE_ID.matcher(value).matches()) {
            in.reject(field, "invalid", field + " must be 10 characters of A-Z and 0-9, as Apple's developer "
                    + "account shows it.");
            return null;
        }
        return value;
    }

    private static byte[] applePrivateKey(JsonInput in, boolean required) {
        String pem = text(in, "apple_private_key", MAX_PRIVATE_KEY, required);
        if (pem == null) {
            return null;
        }
        return AppleClientSecret.readPem(pem).orElseGet(() -> {
            in.reject("apple_private_key", "invalid", "apple_private_key must be the .p8 file of a key from Apple's "
                    + "developer account: a P-256 private key, PEM-encoded PKCS#8 (-----BEGIN PRIVATE KEY-----).");
            return null;
        });
    }

    /** Trimmed; required on a creation, and never empty when given. */
    private static String text(JsonInput in, String field, int maxLength, boolean required) {
        Optional<String> value = in.string(field, maxLength).map(Text::trim);
        if ((required || in.given(field)) && value.map(String::isEmpty).orElse(true) && !in.hasErrorFor(field)) {
            in.reject(field, "required", field + " is required.");
        }
        return in.hasErrorFor(field) ? null : value.orElse(null);
    }

    private static void reject(JsonInput in, FieldError error) {
        in.reject(error.field(), error.code(), error.message());
    }
}
