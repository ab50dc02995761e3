package dev.latchkey.passkey;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.http.JsonInput;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The browser's {@code PublicKeyCredential} as its {@code toJSON()} gives it (WebAuthn Level 3, 5.1: binary fields in
 * base64url), checked field by field before any of it is decoded: the 422 names {@code credential.response.signature}
 * and the like. What goes on to verification is a clean copy of the fields it needs; client extension results are
 * not used.
 */
final class CredentialInput {
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]*={0,2}");
    /** A credential id is at most 1023 bytes (Level 3, 5.8.3): 1364 characters in base64url. */
    private static final int MAX_ID = 1400;
    private static final int MAX_CLIENT_DATA = 8192;
    private static final int MAX_ATTESTATION = 65_536;
    private static final int MAX_SMALL = 4096;
    private static final int MAX_TRANSPORTS = 10;

    private CredentialInput() {
    }

    /** A registration response ({@code attestationObject}, {@code transports}); null when refused into {@code in}. */
    static String registration(JsonInput in, ObjectMapper mapper) {
        return read(in, mapper, true);
    }

    /** An authentication response ({@code authenticatorData}, {@code signature}, {@code userHandle}). */
    static String assertion(JsonInput in, ObjectMapper mapper) {
        return read(in, mapper, false);
    }

    private static String read(JsonInput in, ObjectMapper mapper, boolean registration) {
        Optional<ObjectNode> given = in.object("credential");
        if (given.isEmpty()) {
            if (!in.hasErrorFor("credential")) {
                in.reject("credential", "required", "credential is required.");
            }
            return null;
        }
        JsonInput credential = JsonInput.of(given.get());
        ObjectNode clean = mapper.createObjectNode();
        String id = binary(credential, "id", MAX_ID, true);
        binary(credential, "rawId", MAX_ID, false);
        String type = credential.required("type", 32);
        if (type != null && !type.equals("public-key")) {
            credential.reject("type", "invalid", "type must be public-key.");
        }
        credential.string("authenticatorAttachment", 32);
        credential.object("clientExtensionResults");
        ObjectNode response = mapper.createObjectNode();
        credential.object("response").ifPresentOrElse(raw -> {
            JsonInput r = JsonInput.of(raw);
            response.put("clientDataJSON", binary(r, "clientDataJSON", MAX_CLIENT_DATA, true));
            if (registration) {
                response.put("attestationObject", binary(r, "attestationObject", MAX_ATTESTATION, true));
                binary(r, "authenticatorData", MAX_ATTESTATION, false);
                binary(r, "publicKey", MAX_SMALL, false);
                r.integer("publicKeyAlgorithm", Integer.MIN_VALUE, Integer.MAX_VALUE);
                List<String> transports = r.distinctStrings("transports", MAX_TRANSPORTS, 32).orElse(List.of());
                transports.forEach(response.putArray("transports")::add);
            } else {
                response.put("authenticatorData", binary(r, "authenticatorData", MAX_SMALL, true));
                response.put("signature", binary(r, "signature", MAX_SMALL, true));
                String handle = binary(r, "userHandle", 128, false);
                if (handle != null) {
                    response.put("userHandle", handle);
                }
            }
            credential.adopt("response.", r);
        }, () -> {
            if (!credential.hasErrorFor("response")) {
                credential.reject("response", "required", "response is required.");
            }
        });
        in.adopt("credential.", credential);
        if (!credential.valid()) {
            return null;
        }
        clean.put("id", id).put("rawId", id).put("type", "public-key");
        clean.set("response", response);
        clean.putObject("clientExtensionResults");
        return clean.toString();
    }

    private static String binary(JsonInput in, String field, int maxLength, boolean required) {
        String value = required ? in.required(field, maxLength) : in.string(field, maxLength).orElse(null);
        if (value != null && !BASE64URL.matcher(value).matches()) {
            in.reject(field, "invalid", field + " must be base64url.");
            return null;
        }
        return value;
    }
}
