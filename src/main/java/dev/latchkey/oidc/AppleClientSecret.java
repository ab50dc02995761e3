package dev.latchkey.oidc;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Sign in with Apple's client secret: not a fixed string but a JWT signed ES256 by a private key of the merchant's
 * Apple developer account (Apple's "Creating a client secret"): header {@code kid} the key's id, claims {@code iss}
 * the team id, {@code sub} the client id (the Services ID), {@code aud} Apple, {@code iat} and {@code exp}. Apple
 * accepts one valid for up to six months, which a merchant would sign and renew by hand; the server holds the key and
 * signs one for each token request instead, valid for {@link #LIFETIME} only: it travels to the token endpoint with
 * every login, and one that leaks (a proxy's log, a provider's) is of use for minutes, not half a year.
 */
final class AppleClientSecret {
    static final String AUDIENCE = "https://appleid.apple.com";
    static final Duration LIFETIME = Duration.ofMinutes(5);
    /** A team id and a key id are each ten of A-Z and 0-9. */
    static final Pattern APPLE_ID = Pattern.compile("[A-Z0-9]{10}");
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private AppleClientSecret() {
    }

    /**
     * The PKCS#8 encoding of the P-256 private key in {@code pem} (a {@code .p8} file as Apple hands it out), as the
     * JDK encodes it again; empty for anything else: not PEM, not PKCS#8, another algorithm or curve.
     */
    static Optional<byte[]> readPem(String pem) {
        var matcher = PEM.matcher(pem.strip());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(matcher.group(1));
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
            return Es256.isP256(key) ? Optional.of(key.getEncoded()) : Optional.empty();
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Optional.empty(); // never the key itself in a message: it says only that it is not one
        }
    }

    /** A client secret for {@code clientId}, signed by the key ({@code pkcs8}, as {@link #readPem} answers it). */
    static String mint(byte[] pkcs8, String teamId, String keyId, String clientId, Instant now) {
        ObjectNode header = JsonNodeFactory.instance.objectNode().put("alg", "ES256").put("kid", keyId);
        ObjectNode claims = JsonNodeFactory.instance.objectNode().put("iss", teamId)
                .put("iat", now.getEpochSecond()).put("exp", now.plus(LIFETIME).getEpochSecond())
                .put("aud", AUDIENCE).put("sub", clientId);
        String signed = part(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
                + part(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            return signed + "." + part(Es256.sign(key, signed.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            // the key was checked when it was stored
            throw new IllegalStateException("a stored Apple signing key does not sign", e);
        }
    }

    private static String part(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
