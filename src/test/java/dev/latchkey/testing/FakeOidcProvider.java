package dev.latchkey.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenID Connect provider on loopback, as a test starts it: a discovery document, a key set (an RSA key and a P-256
 * key, whose private halves sign with plain java.security), and a token endpoint that answers the ID token a test
 * prepared for a code ({@link #authorize}), checking the PKCE verifier against the authorization request's challenge.
 * It keeps every token request it gets and counts the key set's reads; {@link #failTokensWith} makes the token endpoint
 * answer an error, {@link #rotateRsaKey} replaces the RSA key by a new one under a new key id. A test class has one of
 * its own ({@link #perClass}); a test that needs another starts and closes it ({@link #start}).
 */
public final class FakeOidcProvider implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    public static final String RSA_KID = "rsa-1";
    public static final String EC_KID = "ec-1";

    /** A token request as it came: its form's parameters and its Authorization header (or null). */
    public record TokenRequest(Map<String, String> form, String authorization) {

        /** The client secret the request authenticated with, in the form or in HTTP Basic (RFC 6749 2.3.1). */
        public String clientSecret() {
            if (authorization == null) {
                return form.get("client_secret");
            }
            String pair = new String(Base64.getDecoder().decode(authorization.substring("Basic ".length())),
                    StandardCharsets.UTF_8);
            return URLDecoder.decode(pair.substring(pair.indexOf(':') + 1), StandardCharsets.UTF_8);
        }
    }

    private record Prepared(String idToken, String challenge) {
    }

    private volatile HttpServer server;
    private volatile KeyPair rsa = TestKeys.generate("RSA", null);
    private volatile String rsaKid = RSA_KID;
    private final AtomicInteger jwksRequests = new AtomicInteger();
    private final KeyPair ec = TestKeys.p256();
    private final Map<String, Prepared> codes = new ConcurrentHashMap<>();
    private final List<TokenRequest> tokenRequests = new CopyOnWriteArrayList<>();
    private volatile List<String> authMethods = List.of("client_secret_basic", "client_secret_post");
    private volatile int tokenStatus = 200;
    private volatile Runnable beforeTokenAnswer = () -> { };

    private volatile Clock clock;

    private FakeOidcProvider() {
    }

    /** A provider whose tokens are issued by {@code clock}: the server's, which tests may move forward. */
    public static FakeOidcProvider start(Clock clock) {
        FakeOidcProvider provider = new FakeOidcProvider();
        provider.listen(clock);
        return provider;
    }

    /**
     * A test class's own provider, listening from before its first test to after its last, its tokens issued by the
     * shared server's clock:
     * {@code @RegisterExtension static final FakeOidcProvider idp = FakeOidcProvider.perClass();}. Never one for
     * several classes: a test rotates its keys, counts its key set's reads, makes its token endpoint fail.
     */
    public static FakeOidcProvider perClass() {
        return new FakeOidcProvider();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        listen(TestServer.shared().clock);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) { // none when the run was skipped (no PostgreSQL to test on) before the server started
            close();
        }
    }

    private void listen(Clock clock) {
        this.clock = clock;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/.well-known/openid-configuration", this::discovery);
        server.createContext("/jwks", this::jwks);
        server.createContext("/token", this::token);
        server.start();
    }

    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The token endpoint authentication methods the discovery document names. */
    public void authMethods(List<String> methods) {
        this.authMethods = methods;
    }

    /** From now on the token endpoint answers this status with an OAuth error body (200: works again). */
    public void failTokensWith(int status) {
        this.tokenStatus = status;
    }

    /**
     * Runs {@code hook} while a token request waits for its answer (a slow provider), then answers as usual; once,
     * after which the token endpoint answers at once again.
     */
    public void beforeTokenAnswer(Runnable hook) {
        this.beforeTokenAnswer = () -> {
            this.beforeTokenAnswer = () -> { };
            hook.run();
        };
    }

    /** How many times the key set was read. */
    public int jwksRequests() {
        return jwksRequests.get();
    }

    /** The provider rotates its RSA key: the key set holds only a new one, under a new key id. */
    public void rotateRsaKey() {
        rsa = TestKeys.generate("RSA", null);
        rsaKid = "rsa-" + UUID.randomUUID();
    }

    public List<TokenRequest> tokenRequests() {
        return tokenRequests;
    }

    /** The claims a good ID token for this authorization request carries: the test changes some to spoil it. */
    public Map<String, Object> claims(Map<String, String> authorization, String subject, String email,
                                      Object emailVerified) {
        long now = clock.instant().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer());
        claims.put("sub", subject);
        claims.put("aud", authorization.get("client_id"));
        claims.put("iat", now);
        claims.put("exp", now + 300);
        claims.put("nonce", authorization.get("nonce"));
        if (email != null) {
            claims.put("email", email);
        }
        if (emailVerified != null) {
            claims.put("email_verified", emailVerified);
        }
        return claims;
    }

    /** A code for the authorization request, whose exchange answers {@code idToken}. */
    public String authorize(Map<String, String> authorization, String idToken) {
        String code = "code-" + UUID.randomUUID();
        codes.put(code, new Prepared(idToken, authorization.get("code_challenge")));
        return code;
    }

    /** An ID token of these claims signed RS256 by the provider's RSA key. */
    public String signRs256(Map<String, Object> claims) {
        return sign("RS256", rsaKid, claims, rsa.getPrivate());
    }

    /** An ID token of these claims signed ES256 by the provider's P-256 key. */
    public String signEs256(Map<String, Object> claims) {
        return sign("ES256", EC_KID, claims, ec.getPrivate());
    }

    /** An ID token that names the provider's RSA key but is signed by another one. */
    public String signWithForeignKey(Map<String, Object> claims) {
        return sign("RS256", rsaKid, claims, TestKeys.generate("RSA", null).getPrivate());
    }

    /** An ID token signed by a key the key set does not hold, under a key id it does not hold either. */
    public String signWithUnknownKey(Map<String, Object> claims) {
        return sign("RS256", "rsa-" + UUID.randomUUID(), claims, TestKeys.generate("RSA", null).getPrivate());
    }

    /** The query parameters of an authorization URL. */
    public static Map<String, String> query(String url) {
        Map<String, String> parameters = new HashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            int equals = pair.indexOf('=');
            parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return parameters;
    }

    private static String sign(String alg, String kid, Map<String, Object> claims, PrivateKey key) {
        try {
            String header = b64(MAPPER.writeValueAsBytes(Map.of("alg", alg, "kid", kid, "typ", "JWT")));
            String payload = b64(MAPPER.writeValueAsBytes(claims));
            Signature signer = Signature.getInstance(alg.equals("RS256") ? "SHA256withRSA"
                    : "SHA256withECDSAinP1363Format");
            signer.initSign(key);
            signer.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "." + b64(signer.sign());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void discovery(HttpExchange exchange) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", issuer());
        doc.put("authorization_endpoint", issuer() + "/authorize");
        doc.put("token_endpoint", issuer() + "/token");
        doc.put("jwks_uri", issuer() + "/jwks");
        doc.put("response_types_supported", List.of("code"));
        doc.put("token_endpoint_auth_methods_supported", authMethods);
        answer(exchange, 200, doc);
    }

    private void jwks(HttpExchange exchange) throws IOException {
        jwksRequests.incrementAndGet();
        RSAPublicKey rsaKey = (RSAPublicKey) rsa.getPublic();
        ECPublicKey ecKey = (ECPublicKey) ec.getPublic();
        answer(exchange, 200, Map.of("keys", List.of(
                Map.of("kty", "RSA", "kid", rsaKid, "use", "sig", "alg", "RS256",
                        "n", b64(unsigned(rsaKey.getModulus())), "e", b64(unsigned(rsaKey.getPublicExponent()))),
                Map.of("kty", "EC", "kid", EC_KID, "crv", "P-256", "use", "sig",
                        "x", b64(coordinate(ecKey.getW().getAffineX())),
                        "y", b64(coordinate(ecKey.getW().getAffineY()))))));
    }

    private void token(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int equals = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        tokenRequests.add(new TokenRequest(form, exchange.getRequestHeaders().getFirst("Authorization")));
        beforeTokenAnswer.run();
        if (tokenStatus != 200) {
            answer(exchange, tokenStatus, Map.of("error", "server_error"));
            return;
        }
        Prepared prepared = codes.remove(form.getOrDefault("code", ""));
        if (prepared == null || !challengeOf(form.getOrDefault("code_verifier", "")).equals(prepared.challenge())) {
            answer(exchange, 400, Map.of("error", "invalid_grant"));
            return;
        }
        answer(exchange, 200, Map.of("access_token", "at-" + UUID.randomUUID(), "token_type", "Bearer",
                "id_token", prepared.idToken()));
    }

    private static String challengeOf(String verifier) {
        try {
            return b64(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void answer(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = MAPPER.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 && bytes.length > 1 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    /** A P-256 coordinate as JWK writes it: 32 bytes, big-endian. */
    private static byte[] coordinate(BigInteger value) {
        byte[] bytes = unsigned(value);
        byte[] fixed = new byte[32];
        System.arraycopy(bytes, 0, fixed, 32 - bytes.length, bytes.length);
        return fixed;
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
