package dev.latchkey.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.latchkey.http.ApiError;
import dev.latchkey.webhook.OutboundCalls;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the server reads from a provider: its discovery document ({@code /.well-known/openid-configuration}), its
 * signing keys (JWKS) and the tokens its token endpoint exchanges a code for. Every call goes through
 * {@link OutboundCalls}, the webhooks' checks of where the server may call. Discovery and keys are kept for
 * {@link #CACHE_FOR}. Keys are read again before then only when a token names a key id they do not hold (the
 * provider rotated its keys), and at most once in {@link #REREAD_AFTER} per key set: a token with a bad signature, or
 * a stream of made-up key ids, must not make the server call the provider at every callback.
 * Whatever goes wrong answers 502 {@code identity_provider_error}, never with the client secret.
 */
final class ProviderDirectory {
    static final Duration CACHE_FOR = Duration.ofMinutes(5);
    static final Duration REREAD_AFTER = Duration.ofMinutes(1);
    /** Discovery documents and key sets are small; a provider's answer beyond this is not read. */
    private static final int MAX_ANSWER = 256 * 1024;
    private static final Map<String, String> ACCEPT_JSON = Map.of("Accept", "application/json");

    /** What the flow needs of a discovery document. */
    record Metadata(String issuer, URI authorizationEndpoint, URI tokenEndpoint, URI jwksUri, boolean postSecret) {
    }

    private final OutboundCalls calls;
    private final ObjectMapper mapper;
    private final Cache<String, Metadata> metadata;
    private final Cache<String, JsonNode> keys;
    /** The key sets read within {@link #REREAD_AFTER}, by their URL. */
    private final Cache<String, Boolean> recentlyRead;

    ProviderDirectory(OutboundCalls calls, ObjectMapper mapper, Clock clock) {
        this.calls = calls;
        this.mapper = mapper;
        // the server's clock, so that a test can move past the waits
        Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.metadata = Caffeine.newBuilder().ticker(ticker).maximumSize(1_000).expireAfterWrite(CACHE_FOR).build();
        this.keys = Caffeine.newBuilder().ticker(ticker).maximumSize(1_000).expireAfterWrite(CACHE_FOR).build();
        this.recentlyRead = Caffeine.newBuilder().ticker(ticker).maximumSize(1_000).expireAfterWrite(REREAD_AFTER)
                .build();
    }

    static ApiError providerError(String detail) {
        return new ApiError(502, "identity_provider_error", "The identity provider could not be used: " + detail);
    }

    Metadata metadata(String issuer) {
        Metadata cached = metadata.getIfPresent(issuer);
        if (cached != null) {
            return cached;
        }
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        JsonNode doc = json(get(URI.create(base + "/.well-known/openid-configuration")), "discovery document");
        if (!issuer.equals(doc.path("issuer").asText())) {
            throw providerError("the discovery document names another issuer.");
        }
        boolean post = false;
        JsonNode methods = doc.path("token_endpoint_auth_methods_supported");
        if (methods.isArray()) {
            boolean basic = false;
            for (JsonNode method : methods) {
                basic |= method.asText().equals("client_secret_basic");
                post |= method.asText().equals("client_secret_post");
            }
            post = post && !basic;
        }
        Metadata read = new Metadata(issuer, endpoint(doc, "authorization_endpoint"), endpoint(doc, "token_endpoint"),
                endpoint(doc, "jwks_uri"), post);
        metadata.put(issuer, read);
        return read;
    }

    /**
     * The provider's key set for a token signed by key {@code kid} (null: the token names none): the kept set, read
     * again when it does not hold {@code kid} unless it was read within {@link #REREAD_AFTER}.
     */
    JsonNode keys(Metadata provider, String kid) {
        String url = provider.jwksUri().toString();
        JsonNode kept = keys.getIfPresent(url);
        if (kept != null && (kid == null || holds(kept, kid)
                || recentlyRead.asMap().putIfAbsent(url, Boolean.TRUE) != null)) {
            return kept;
        }
        JsonNode read = json(get(provider.jwksUri()), "key set");
        if (!read.path("keys").isArray()) {
            throw providerError("the key set has no keys.");
        }
        keys.put(url, read);
        recentlyRead.put(url, Boolean.TRUE);
        return read;
    }

    private static boolean holds(JsonNode keySet, String kid) {
        for (JsonNode jwk : keySet.path("keys")) {
            if (kid.equals(jwk.path("kid").asText())) {
                return true;
            }
        }
        return false;
    }

    /** The token endpoint's answer to the code, authenticated with the client's secret (basic, or in the form). */
    JsonNode exchange(Metadata provider, String clientId, String clientSecret, String form) {
        String body = form;
        Map<String, String> headers = ACCEPT_JSON;
        if (provider.postSecret()) {
            body += "&client_secret=" + Forms.encode(clientSecret);
        } else {
            String pair = Forms.encode(clientId) + ":" + Forms.encode(clientSecret);
            headers = Map.of("Accept", "application/json", "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        OutboundCalls.Reply reply;
        try {
            reply = calls.post(provider.tokenEndpoint(), "application/x-www-form-urlencoded",
                    body.getBytes(StandardCharsets.UTF_8), headers, MAX_ANSWER);
        } catch (OutboundCalls.Failed e) {
            throw providerError("its token endpoint: " + e.getMessage() + ".");
        }
        if (reply.status() != 200) {
            JsonNode error = parse(reply.body());
            String code = error == null ? "" : Forms.printable(error.path("error").asText(""));
            throw providerError("its token endpoint answered HTTP " + reply.status()
                    + (code.isEmpty() ? "" : " (" + code + ")") + ".");
        }
        return json(reply.body(), "token answer");
    }

    private byte[] get(URI url) {
        OutboundCalls.Reply reply;
        try {
            reply = calls.get(url, ACCEPT_JSON, MAX_ANSWER);
        } catch (OutboundCalls.Failed e) {
            throw providerError(url.getPath() + ": " + e.getMessage() + ".");
        }
        if (reply.status() != 200) {
            throw providerError(url.getPath() + " answered HTTP " + reply.status() + ".");
        }
        return reply.body();
    }

    private JsonNode json(byte[] body, String what) {
        JsonNode node = parse(body);
        if (node == null || !node.isObject()) {
            throw providerError("its " + what + " is not a JSON object.");
        }
        return node;
    }

    private JsonNode parse(byte[] body) {
        try {
            return mapper.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private URI endpoint(JsonNode doc, String field) {
        String value = doc.path(field).asText("");
        if (value.isEmpty() || calls.formError(field, value).isPresent()) {
            throw providerError("the discovery document's " + field + " is missing or not an https URL.");
        }
        return URI.create(value);
    }
}
