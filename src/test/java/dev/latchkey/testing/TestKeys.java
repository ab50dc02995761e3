package dev.latchkey.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/** Key pairs made for a test, and their private halves as the PEM files a merchant pastes in (Apple's {@code .p8}). */
public final class TestKeys {
    private TestKeys() {
    }

    /** A key pair: EC on {@code curve}, RSA of 2048 bits (quick to make), another algorithm as the JDK makes it. */
    public static KeyPair generate(String algorithm, String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (curve != null) {
                generator.initialize(new ECGenParameterSpec(curve));
            } else if (algorithm.equals("RSA")) {
                generator.initialize(2048);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A P-256 key pair, as a Sign in with Apple key is. */
    public static KeyPair p256() {
        return generate("EC", "secp256r1");
    }

    /** A PKCS#8 PEM as Apple's developer account hands a key out, with {@code lineEnd} between its lines. */
    public static String pem(KeyPair pair, String lineEnd) {
        return "-----BEGIN PRIVATE KEY-----" + lineEnd
                + Base64.getMimeEncoder(64, lineEnd.getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pair.getPrivate().getEncoded())
                + lineEnd + "-----END PRIVATE KEY-----" + lineEnd;
    }
}
