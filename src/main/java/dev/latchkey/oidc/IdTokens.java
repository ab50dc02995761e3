package dev.latchkey.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.auth.Secrets;
import dev.latchkey.http.ApiError;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checks an ID token (OpenID Connect Core 3.1.3.7) with the JDK's own cryptography: a JWS signed RS256 or ES256 by a
 * key of the provider's key set (no {@code none}, no HMAC), from the configured issuer, for this client, not expired,
 * not issued in the future, carrying the login's nonce. Anything else is 401 {@code invalid_id_token}.
 */
final class IdTokens {
    /** Clocks of the provider and this server may differ by this much. */
    static final Duration LEEWAY = Duration.ofSeconds(60);

    /** What the login needs of a verified token. */
    record Claims(String subject, String email, boolean emailVerified, String givenName, String familyName,
                  String locale) {
    }

    private final ObjectMapper mapper;

    IdTokens(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    static ApiError invalid(String why) {
        return new ApiError(401, "invalid_id_token", "The identity provider's ID token was refused: " + why);
    }

    /** {@code keys} answers the provider's key set for the token's key id (null when it names none). */
    Claims verify(String token, Function<String, JsonNode> keys, String issuer, String clientId,
                  String nonce, Instant now) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw invalid("it is not a signed JWT.");
        }
        JsonNode header = decodeJson(parts[0]);
        JsonNode claims = decodeJson(parts[1]);
        String alg = header.path("alg").asText("");
        String kty = switch (alg) {
            case "RS256" -> "RSA";
            case "ES256" -> "EC";
            default -> throw invalid("its algorithm must be RS256 or ES256.");
        };
        String kid = header.path("kid").isTextual() ? header.path("kid").asText() : null;
        byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        byte[] signature = decode(parts[2]);
        if (!verified(keys.apply(kid), kty, alg, kid, signed, signature)) {
            throw invalid("its signature is not by a key of the provider.");
        }
        if (!issuer.equals(claims.path("iss").asText())) {
            throw invalid("it is from another issuer.");
        }
        JsonNode aud = claims.path("aud");
        boolean forUs = aud.isTextual() ? aud.asText().equals(clientId) : aud.isArray() && contains(aud, clientId);
        if (!forUs || aud.isArray() && aud.size() > 1 && !clientId.equals(claims.path("azp").asText())) {
            throw invalid("it is for another client.");
        }
        if (!claims.path("exp").isNumber() || now.minus(LEEWAY).getEpochSecond() >= claims.path("exp").asLong()) {
            throw invalid("it has expired.");
        }
        if (!claims.path("iat").isNumber() || claims.path("iat").asLong() > now.plus(LEEWAY).getEpochSecond()) {
            throw invalid("its time of issue is missing or in the future.");
        }
        if (claims.has("nbf") && (!claims.path("nbf").isNumber()
                || claims.path("nbf").asLong() > now.plus(LEEWAY).getEpochSecond())) {
            throw invalid("it is not valid yet.");
        }
        if (!claims.path("nonce").isTextual() || !Secrets.constantTimeEquals(claims.path("nonce").asText(), nonce)) {
            throw invalid("its nonce is not this login's.");
        }
        String subject = claims.path("sub").asText("");
        if (subject.isEmpty() || subject.length() > 255) {
            throw invalid("its subject is missing or too long.");
        }
        JsonNode verified = claims.path("email_verified");
        // some providers send the boolean as a string
        boolean emailVerified = verified.isBoolean() ? verified.asBoolean() : verified.asText("").equals("true");
        return new Claims(subject, text(claims, "email"), emailVerified, text(claims, "given_name"),
                text(claims, "family_name"), text(claims, "locale"));
    }

    private static String text(JsonNode claims, String field) {
        return claims.path(field).isTextual() ? claims.path(field).asText() : null;
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode item : array) {
            if (value.equals(item.asText())) {
                return true;
            }
        }
        return false;
    }

    private boolean verified(JsonNode jwks, String kty, String alg, String kid, byte[] signed, byte[] signature) {
        for (JsonNode jwk : jwks.path("keys")) {
            if (!kty.equals(jwk.path("kty").asText()) || kid != null && !kid.equals(jwk.path("kid").asText())
                    || jwk.has("use") && !jwk.path("use").asText().equals("sig")
                    || jwk.has("alg") && !jwk.path("alg").asText().equals(alg)) {
                continue;
            }
            Optional<PublicKey> key = publicKey(jwk);
            if (key.isPresent() && check(alg, key.get(), signed, signature)) {
                return true;
            }
        }
        return false;
    }

    private static boolean check(String alg, PublicKey key, byte[] signed, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance(alg.equals("RS256") ? "SHA256withRSA" : Es256.ALGORITHM);
            verifier.initVerify(key);
            verifier.update(signed);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false; // a key or signature of the wrong shape verifies nothing
        }
    }

    /** An RSA key (n, e) or a P-256 key (x, y) of a JWK; empty for any other or a malformed one. */
    private static Optional<PublicKey> publicKey(JsonNode jwk) {
        try {
            if (jwk.path("kty").asText().equals("RSA")) {
                var spec = new RSAPublicKeySpec(unsigned(jwk, "n"), unsigned(jwk, "e"));
                return Optional.of(KeyFactory.getInstance("RSA").generatePublic(spec));
            }
            if (!jwk.path("crv").asText().equals("P-256")) {
                return Optional.empty();
            }
            var spec = new ECPublicKeySpec(new ECPoint(unsigned(jwk, "x"), unsigned(jwk, "y")), Es256.P256);
            return Optional.of(KeyFactory.getInstance("EC").generatePublic(spec));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static BigInteger unsigned(JsonNode jwk, String field) {
        return new BigInteger(1, decode(jwk.path(field).asText("")));
    }

    private JsonNode decodeJson(String part) {
        try {
            JsonNode node = mapper.readTree(decode(part));
            if (node == null || !node.isObject()) {
                throw invalid("it is not a signed JWT.");
            }
            return node;
        } catch (IOException e) {
            throw invalid("it is not a signed JWT.");
        }
    }

    private static byte[] decode(String part) {
        try {
            return Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            throw invalid("it is not a signed JWT.");
        }
    }
}
