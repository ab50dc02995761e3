package dev.latchkey.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.EC2COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.extension.authenticator.RegistrationExtensionAuthenticatorOutput;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A software passkey for tests: an EC P-256 key pair and a credential id, which answers creation options with an
 * attestation object of format {@code none} and request options with ES256 assertions, as a browser's
 * {@code PublicKeyCredential.toJSON()} gives them. Each ceremony may be spoilt ({@link Ceremony}) to test the checks.
 */
public final class SoftAuthenticator {
    private static final byte UP = 0x01;
    private static final byte UV = 0x04;
    private static final byte AT = 0x40;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /** How one ceremony is made: the page's origin, the rp id the authenticator hashes, the flags, the counter. */
    public record Ceremony(String origin, String rpId, boolean userVerified, Long counter, boolean spoilSignature,
                           String type, String challenge) {
        public Ceremony origin(String value) {
            return new Ceremony(value, rpId, userVerified, counter, spoilSignature, type, challenge);
        }

        public Ceremony rpId(String value) {
            return new Ceremony(origin, value, userVerified, counter, spoilSignature, type, challenge);
        }

        public Ceremony withoutUserVerification() {
            return new Ceremony(origin, rpId, false, counter, spoilSignature, type, challenge);
        }

        public Ceremony counter(long value) {
            return new Ceremony(origin, rpId, userVerified, value, spoilSignature, type, challenge);
        }

        public Ceremony badSignature() {
            return new Ceremony(origin, rpId, userVerified, counter, true, type, challenge);
        }

        public Ceremony type(String value) {
            return new Ceremony(origin, rpId, userVerified, counter, spoilSignature, value, challenge);
        }

        public Ceremony challenge(String value) {
            return new Ceremony(origin, rpId, userVerified, counter, spoilSignature, type, value);
        }
    }

    private final KeyPair keys;
    private final byte[] credentialId;
    private long counter;
    private String userHandle;

    private SoftAuthenticator() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            this.keys = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        this.credentialId = new byte[32];
        RANDOM.nextBytes(credentialId);
    }

    public static SoftAuthenticator create() {
        return new SoftAuthenticator();
    }

    /** The defaults: from {@code origin}, for the options' rp id, user verified, the counter counting up. */
    public static Ceremony from(String origin) {
        return new Ceremony(origin, null, true, null, false, null, null);
    }

    public String credentialId() {
        return B64.encodeToString(credentialId);
    }

    /** The user handle the creation options gave, which a discoverable credential returns at login. */
    public String userHandle() {
        return userHandle;
    }

    /** The credential for {@code publicKey}, the creation options of {@code POST /v1/me/passkeys/options}. */
    public Map<String, Object> register(JsonNode publicKey, Ceremony how) {
        userHandle = publicKey.path("user").path("id").asText();
        String rpId = how.rpId() != null ? how.rpId() : publicKey.path("rp").path("id").asText();
        byte[] clientData = clientData(how.type() != null ? how.type() : "webauthn.create",
                how.challenge() != null ? how.challenge() : publicKey.path("challenge").asText(), how.origin());
        long count = how.counter() != null ? how.counter() : counter;
        AttestedCredentialData attested = new AttestedCredentialData(AAGUID.ZERO, credentialId,
                EC2COSEKey.create((ECPublicKey) keys.getPublic(), COSEAlgorithmIdentifier.ES256));
        AuthenticatorData<RegistrationExtensionAuthenticatorOutput> data = new AuthenticatorData<>(sha256(rpId),
                flags(how, true), count, attested);
        byte[] attestation = new AttestationObjectConverter(new ObjectConverter())
                .convertToBytes(new AttestationObject(data, new NoneAttestationStatement()));
        Map<String, Object> response = new HashMap<>();
        response.put("clientDataJSON", B64.encodeToString(clientData));
        response.put("attestationObject", B64.encodeToString(attestation));
        response.put("transports", List.of("internal", "hybrid"));
        return credential(response);
    }

    /** The assertion for {@code publicKey}, the request options of {@code POST /v1/auth/login/passkey/options}. */
    public Map<String, Object> assertion(JsonNode publicKey, Ceremony how) {
        String rpId = how.rpId() != null ? how.rpId() : publicKey.path("rpId").asText();
        byte[] clientData = clientData(how.type() != null ? how.type() : "webauthn.get",
                how.challenge() != null ? how.challenge() : publicKey.path("challenge").asText(), how.origin());
        long count = how.counter() != null ? how.counter() : ++counter;
        byte[] authenticatorData = ByteBuffer.allocate(37).put(sha256(rpId)).put(flags(how, false))
                .putInt((int) count).array();
        byte[] signed = new ByteArrayOutputStream() {
            {
                writeBytes(authenticatorData);
                writeBytes(sha256(clientData));
            }
        }.toByteArray();
        byte[] signature = sign(signed);
        if (how.spoilSignature()) {
            signed[0] ^= 1;
            signature = sign(signed);
        }
        Map<String, Object> response = new HashMap<>();
        response.put("clientDataJSON", B64.encodeToString(clientData));
        response.put("authenticatorData", B64.encodeToString(authenticatorData));
        response.put("signature", B64.encodeToString(signature));
        response.put("userHandle", userHandle);
        return credential(response);
    }

    private Map<String, Object> credential(Map<String, Object> response) {
        Map<String, Object> credential = new HashMap<>();
        credential.put("id", credentialId());
        credential.put("rawId", credentialId());
        credential.put("type", "public-key");
        credential.put("authenticatorAttachment", "platform");
        credential.put("clientExtensionResults", Map.of());
        credential.put("response", response);
        return credential;
    }

    private static byte flags(Ceremony how, boolean attested) {
        byte flags = UP;
        if (how.userVerified()) {
            flags |= UV;
        }
        if (attested) {
            flags |= AT;
        }
        return flags;
    }

    private static byte[] clientData(String type, String challenge, String origin) {
        return ("{\"type\":\"" + type + "\",\"challenge\":\"" + challenge + "\",\"origin\":\"" + origin
                + "\",\"crossOrigin\":false}").getBytes(StandardCharsets.UTF_8);
    }

    private byte[] sign(byte[] data) {
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(keys.getPrivate());
            signer.update(data);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
