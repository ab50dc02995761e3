package dev.latchkey.oidc;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;

/**
 * JOSE's ES256 (RFC 7518 3.4) with the JDK's own cryptography, for the ID tokens the server checks and the client
 * secrets it signs. A JWS carries the signature as R and S, 32 bytes each; the JDK's {@code SHA256withECDSA} speaks
 * DER, its {@code ...inP1363Format} variant speaks R || S. Using the variant both ways leaves no DER to convert.
 */
final class Es256 {
    /** ECDSA over SHA-256 with the signature as R || S, the form a JWS carries. */
    static final String ALGORITHM = "SHA256withECDSAinP1363Format";
    /** The length of an ES256 signature: R and S, each a P-256 number of 32 bytes. */
    static final int SIGNATURE_BYTES = 64;
    /** The curve of ES256, NIST P-256 (secp256r1). */
    static final ECParameterSpec P256 = p256();

    private Es256() {
    }

    /** Whether {@code key} is a usable P-256 private key: the curve's, and its scalar within the group's order. */
    static boolean isP256(PrivateKey key) {
        if (!(key instanceof ECPrivateKey ec)) {
            return false;
        }
        ECParameterSpec params = ec.getParams();
        return params.getCurve().equals(P256.getCurve()) && params.getGenerator().equals(P256.getGenerator())
                && params.getOrder().equals(P256.getOrder()) && ec.getS().signum() > 0
                && ec.getS().compareTo(P256.getOrder()) < 0;
    }

    /** The JWS signature (R || S) of {@code signed} by {@code key}, a P-256 key. */
    static byte[] sign(PrivateKey key, byte[] signed) throws GeneralSecurityException {
        Signature signer = Signature.getInstance(ALGORITHM);
        signer.initSign(key);
        signer.update(signed);
        return signer.sign();
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no P-256", e);
        }
    }
}
