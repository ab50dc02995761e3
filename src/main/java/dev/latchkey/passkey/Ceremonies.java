package dev.latchkey.passkey;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.AttestedCredentialDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecord;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticatorTransport;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.verifier.exception.BadChallengeException;
import com.webauthn4j.verifier.exception.BadOriginException;
import com.webauthn4j.verifier.exception.BadRpIdException;
import com.webauthn4j.verifier.exception.BadSignatureException;
import com.webauthn4j.verifier.exception.MaliciousCounterValueException;
import com.webauthn4j.verifier.exception.UserNotPresentException;
import com.webauthn4j.verifier.exception.UserNotVerifiedException;

import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The WebAuthn ceremonies' checks, done by webauthn4j (W3C WebAuthn Level 3, 7.1 and 7.2): the client data's type,
 * challenge and origin, the rp id hash, the user present and verified flags, the signature, the signature counter.
 * Attestation is not asked for ({@code none}) and not judged: a passkey is trusted because its owner, logged in, added
 * it. Knows nothing of tenants or storage.
 */
final class Ceremonies {
    /** ES256, EdDSA (Ed25519) and RS256, in the order of preference the options name them. */
    static final List<COSEAlgorithmIdentifier> ALGORITHMS = List.of(COSEAlgorithmIdentifier.ES256,
            COSEAlgorithmIdentifier.EdDSA, COSEAlgorithmIdentifier.RS256);

    /** What a refused ceremony came to: a reason for the audit log and the answer's detail. */
    static final class Refused extends Exception {
        private final String reason;

        Refused(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }

    /** A verified registration: what is stored of the new credential. */
    record NewCredential(String credentialId, String credentialData, long signCount, boolean uvInitialized,
                         boolean backupEligible, boolean backedUp, List<String> transports, String aaguid) {
    }

    /** WebAuthn Level 3, 5.8.4 (AuthenticatorTransport). */
    private static final Set<String> KNOWN_TRANSPORTS = Set.of("usb", "nfc", "ble", "smart-card", "hybrid",
            "internal");
    /** What the credential_data column holds: far more than an EC or Ed25519 key, or a 4096-bit RSA key, take. */
    private static final int MAX_CREDENTIAL_DATA = 4000;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final WebAuthnManager manager;
    private final AttestedCredentialDataConverter credentialData;
    private final List<PublicKeyCredentialParameters> parameters;

    Ceremonies() {
        ObjectConverter converter = new ObjectConverter();
        this.manager = WebAuthnManager.createNonStrictWebAuthnManager(converter);
        this.credentialData = new AttestedCredentialDataConverter(converter);
        this.parameters = ALGORITHMS.stream()
                .map(alg -> new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, alg)).toList();
    }

    static String encode(byte[] bytes) {
        return B64.encodeToString(bytes);
    }

    static byte[] decode(String base64url) {
        return B64D.decode(base64url);
    }

    /** The browser's registration response, read; the challenge its client data names is {@link #challenge}. */
    RegistrationData readRegistration(String json) throws Refused {
        try {
            RegistrationData data = manager.parseRegistrationResponseJSON(json);
            if (data.getCollectedClientData() == null || data.getCollectedClientData().getChallenge() == null
                    || data.getAttestationObject() == null) {
                throw new Refused("malformed", "The credential's response lacks its client data or attestation.");
            }
            return data;
        } catch (RuntimeException e) {
            // untrusted bytes: webauthn4j's own conversion errors, and its JSON and CBOR parsers' (unwrapped)
            throw new Refused("malformed", "The credential could not be read: its response is no WebAuthn "
                    + "registration response.");
        }
    }

    AuthenticationData readAssertion(String json) throws Refused {
        try {
            AuthenticationData data = manager.parseAuthenticationResponseJSON(json);
            if (data.getCollectedClientData() == null || data.getCollectedClientData().getChallenge() == null
                    || data.getCredentialId() == null || data.getAuthenticatorData() == null) {
                throw new Refused("malformed", "The assertion lacks its client data or authenticator data.");
            }
            return data;
        } catch (RuntimeException e) {
            throw new Refused("malformed", "The assertion could not be read.");
        }
    }

    static byte[] challenge(RegistrationData data) {
        return data.getCollectedClientData().getChallenge().getValue();
    }

    static byte[] challenge(AuthenticationData data) {
        return data.getCollectedClientData().getChallenge().getValue();
    }

    /** Verifies a registration whose challenge the caller matched to one it issued. */
    NewCredential verifyRegistration(RegistrationData data, String rpId, List<String> origins) throws Refused {
        ServerProperty server = new ServerProperty(origins(origins), rpId, new DefaultChallenge(challenge(data)));
        try {
            manager.verify(data, new RegistrationParameters(server, parameters, true, true));
        } catch (RuntimeException e) {
            throw refusal(e);
        }
        AuthenticatorData<?> authenticator = data.getAttestationObject().getAuthenticatorData();
        AttestedCredentialData attested = authenticator.getAttestedCredentialData();
        if (attested == null) {
            throw new Refused("malformed", "The authenticator data holds no credential.");
        }
        // only the transports WebAuthn names: they are stored joined by commas and handed back to browsers
        List<String> transports = data.getTransports() == null ? List.of() : data.getTransports().stream()
                .map(AuthenticatorTransport::getValue).filter(KNOWN_TRANSPORTS::contains).distinct().sorted().toList();
        String stored = encode(credentialData.convert(attested));
        if (stored.length() > MAX_CREDENTIAL_DATA) {
            throw new Refused("credential_too_large", "The credential's public key is larger than a passkey's.");
        }
        return new NewCredential(encode(attested.getCredentialId()), stored,
                authenticator.getSignCount(), authenticator.isFlagUV(), authenticator.isFlagBE(),
                authenticator.isFlagBS(), transports, String.valueOf(attested.getAaguid()));
    }

    /** Verifies an assertion against the stored credential; the new counter on success. */
    long verifyAssertion(AuthenticationData data, PasskeyStore.Credential stored, String rpId, List<String> origins)
            throws Refused {
        ServerProperty server = new ServerProperty(origins(origins), rpId, new DefaultChallenge(challenge(data)));
        CredentialRecord record;
        try {
            AttestedCredentialData attested = credentialData.convert(decode(stored.credentialData()));
            Set<AuthenticatorTransport> transports = stored.transports().stream().map(AuthenticatorTransport::create)
                    .collect(Collectors.toSet());
            record = new CredentialRecordImpl(new NoneAttestationStatement(), stored.uvInitialized(),
                    stored.backupEligible(), stored.backedUp(), stored.signCount(), attested, null, null, null,
                    transports);
        } catch (RuntimeException e) {
            throw new IllegalStateException("a stored passkey's credential data does not read", e);
        }
        try {
            manager.verify(data, new AuthenticationParameters(server, record, null, true, true));
        } catch (RuntimeException e) {
            throw refusal(e);
        }
        return data.getAuthenticatorData().getSignCount();
    }

    private static Set<Origin> origins(List<String> origins) {
        Set<Origin> set = new HashSet<>();
        origins.forEach(origin -> set.add(new Origin(origin)));
        return set;
    }

    private static Refused refusal(Exception e) {
        return switch (e) {
            case MaliciousCounterValueException m -> new Refused("counter_regression", "The authenticator's signature "
                    + "counter went back: the passkey may have been copied.");
            case BadOriginException b -> new Refused("wrong_origin", "The ceremony came from an origin this shop does "
                    + "not allow for passkeys.");
            case BadRpIdException b -> new Refused("wrong_rp_id", "The passkey is not for this shop's relying party.");
            case BadChallengeException b -> new Refused("wrong_challenge", "The challenge is not the one issued.");
            case UserNotVerifiedException u -> new Refused("user_not_verified", "The authenticator did not verify the "
                    + "user (PIN or biometrics), which passkeys here require.");
            case UserNotPresentException u -> new Refused("user_not_present",
                    "The authenticator did not see the user.");
            case BadSignatureException b -> new Refused("bad_signature", "The signature does not verify.");
            // any other VerificationException, or data that parsed and does not hold together
            default -> new Refused("invalid", "The credential does not verify: " + e.getClass().getSimpleName()
                    .replaceAll("Exception$", "") + ".");
        };
    }
}
