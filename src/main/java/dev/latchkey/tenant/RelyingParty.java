package dev.latchkey.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.http.FieldError;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The passkey settings' rules (WebAuthn Level 3, 5.1.3 and 13.4.9): the relying party id is a domain name (no IP
 * address, no scheme or port), and every origin a ceremony may come from is that domain or a name under it.
 */
final class RelyingParty {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final int MAX_DOMAIN = 253;

    private RelyingParty() {
    }

    /** A domain name, lower-cased; empty for null (no relying party: passkeys are not offered). */
    static Optional<String> checkId(JsonNode value, String field, List<FieldError> errors) {
        if (value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            errors.add(new FieldError(field, "invalid_type", "webauthn_rp_id must be a domain name or null."));
            return Optional.empty();
        }
        String id = value.textValue().trim().toLowerCase(Locale.ROOT);
        if (!isDomain(id)) {
            errors.add(new FieldError(field, "invalid", "webauthn_rp_id must be a domain name such as shop.example "
                    + "(no scheme, port, path or IP address)."));
            return Optional.empty();
        }
        return Optional.of(id);
    }

    static boolean isDomain(String id) {
        if (id.isEmpty() || id.length() > MAX_DOMAIN) {
            return false;
        }
        String[] labels = id.split("\\.", -1);
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        // an IPv4 address is no relying party id; a top label is never all digits
        return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
    }

    /** With a relying party id set, each passkey origin's host must be it or a name under it. */
    static void checkOrigins(ObjectNode merged, String fieldPrefix, List<FieldError> errors) {
        JsonNode rpId = merged.path("webauthn_rp_id");
        if (!rpId.isTextual()) {
            return;
        }
        for (JsonNode origin : merged.path("webauthn_origins")) {
            String host = URI.create(origin.asText()).getHost();
            if (host == null || !(host.equals(rpId.textValue()) || host.endsWith("." + rpId.textValue()))) {
                errors.add(new FieldError(fieldPrefix + "webauthn_origins", "not_allowed", "Each passkey origin must "
                        + "be on webauthn_rp_id (" + rpId.textValue() + ") or a name under it; " + origin.asText()
                        + " is not."));
                return;
            }
        }
    }
}
