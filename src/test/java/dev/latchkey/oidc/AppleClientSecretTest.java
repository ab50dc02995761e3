package dev.latchkey.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client secret signed for Sign in with Apple: a JWT by Apple's rules whose signature is the JOSE form (R || S)
 * and verifies against the key's public half, and the reading of a {@code .p8} file, which takes a P-256 PKCS#8 key
 * only.
 */
class AppleClientSecretTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-05-08T13:00:00Z");

    /**
     * Checks {@code jwt} as Apple does and answers its claims: ES256 by {@code key}, the signature verified in the DER
     * form the JDK's plain ECDSA takes, converted here from the 64 bytes of R || S a JWS carries.
     */
    static JsonNode verifiedClaims(String jwt, PublicKey key, String keyId) throws Exception {
        String[] parts = jwt.split("\\.", -1);
        assertThat(parts).hasSize(3);
        JsonNode header = MAPPER.readTree(Base64.getUrlDecoder().decode(parts[0]));
        assertThat(header.path("alg").asText()).isEqualTo("ES256");
        assertThat(header.path("kid").asText()).isEqualTo(keyId);
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        assertThat(signature).hasSize(64);
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(key);
        verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(verifier.verify(der(signature))).as("the signature verifies").isTrue();
        return MAPPER.readTree(Base64.getUrlDecoder().decode(parts[1]));
    }

    /** R || S as the DER SEQUENCE of two INTEGERs that X9.62 (and the JDK's SHA256withECDSA) speak. */
    private static byte[] der(byte[] jose) {
        byte[] r = new BigInteger(1, Arrays.copyOfRange(jose, 0, 32)).toByteArray();
        byte[] s = new BigInteger(1, Arrays.copyOfRange(jose, 32, 64)).toByteArray();
        byte[] out = new byte[6 + r.length + s.length]; // short lengths: at most 33 bytes each
        out[0] = 0x30;
        out[1] = (byte) (4 + r.length + s.length);
        out[2] = 0x02;
        out[3] = (byte) r.length;
        System.arraycopy(r, 0, out, 4, r.length);
        out[4 + r.length] = 0x02;
        out[5 + r.length] = (byte) s.length;
        System.arraycopy(s, 0, out, 6 + r.length, s.length);
        return out;
    }

    @Test
    void mintedSecretIsAnEs256JwtByApplesRulesValidForFiveMinutes() throws Exception {
        KeyPair pair = TestKeys.p256();
        byte[] pkcs8 = AppleClientSecret.readPem(TestKeys.pem(pair, "\n")).orElseThrow();
        // signatures are random: many of them meet an R or S with a leading zero byte, which must still be 32 bytes
        for (int i = 0; i < 50; i++) {
            String jwt = AppleClientSecret.mint(pkcs8, "TEAM123456", "KEY1234567", "com.example.shop", NOW);
            JsonNode claims = verifiedClaims(jwt, pair.getPublic(), "KEY1234567");
            assertThat(claims.path("iss").asText()).isEqualTo("TEAM123456");
            assertThat(claims.path("sub").asText()).isEqualTo("com.example.shop");
            assertThat(claims.path("aud").asText()).isEqualTo("https://appleid.apple.com");
            assertThat(claims.path("iat").asLong()).isEqualTo(NOW.getEpochSecond());
            assertThat(claims.path("exp").asLong()).isEqualTo(NOW.getEpochSecond() + 300);
        }
    }

    @Test
    void clientIdIsEscapedAsJsonNotPastedIn() throws Exception {
        KeyPair pair = TestKeys.p256();
        byte[] pkcs8 = AppleClientSecret.readPem(TestKeys.pem(pair, "\n")).orElseThrow();
        String clientId = "shop\",\"iss\":\"EVIL";
        JsonNode claims = verifiedClaims(AppleClientSecret.mint(pkcs8, "TEAM123456", "KEY1234567", clientId, NOW),
                pair.getPublic(), "KEY1234567");
        assertThat(claims.path("sub").asText()).isEqualTo(clientId);
        assertThat(claims.path("iss").asText()).isEqualTo("TEAM123456");
    }

    @Test
    void readsAP8FileWhateverItsLineEndsAndSignsWithIt() throws Exception {
        KeyPair pair = TestKeys.p256();
        for (String lineEnd : new String[] {"\n", "\r\n"}) {
            byte[] pkcs8 = AppleClientSecret.readPem("  " + TestKeys.pem(pair, lineEnd)).orElseThrow();
            verifiedClaims(AppleClientSecret.mint(pkcs8, "TEAM123456", "KEY1234567", "c", NOW), pair.getPublic(),
                    "KEY1234567");
        }
    }

    @Test
    void anythingButAP256PrivateKeyInPkcs8PemIsNotRead() {
        KeyPair p256 = TestKeys.p256();
        String good = TestKeys.pem(p256, "\n");
        String body = Base64.getEncoder().encodeToString(p256.getPrivate().getEncoded());
        String[] refused = {
            "",
            "not a key",
            body, // no PEM lines
            TestKeys.pem(TestKeys.generate("RSA", null), "\n"),
            TestKeys.pem(TestKeys.generate("EC", "secp384r1"), "\n"),
            TestKeys.pem(TestKeys.generate("EC", "secp521r1"), "\n"),
            TestKeys.pem(TestKeys.generate("Ed25519", null), "\n"),
            good.replace("PRIVATE KEY", "EC PRIVATE KEY"),
            good.replace("PRIVATE KEY", "PUBLIC KEY"),
            "-----BEGIN PRIVATE KEY-----\n" + Base64.getEncoder().encodeToString(p256.getPublic().getEncoded())
                    + "\n-----END PRIVATE KEY-----",
            "-----BEGIN PRIVATE KEY-----\n" + body.substring(0, body.length() / 2) + "\n-----END PRIVATE KEY-----",
            "-----BEGIN PRIVATE KEY-----\n@@@@\n-----END PRIVATE KEY-----",
            good + good,
        };
        for (String pem : refused) {
            assertThat(AppleClientSecret.readPem(pem)).as(pem).isEmpty();
        }
        assertThat(AppleClientSecret.readPem(good)).isPresent();
    }
}
