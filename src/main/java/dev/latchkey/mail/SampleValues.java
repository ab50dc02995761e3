package dev.latchkey.mail;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Made-up values for a message's preview: a verified customer (so the name shows), a link, and the message's own
 * values. {@code changed_by_shop} stays empty, as in the common case of the shopper's own change.
 */
final class SampleValues {
    /** How long the preview's link or code is said to work. */
    static final Duration VALID_FOR = Duration.ofHours(24);

    private static final Map<String, String> VALUES = Map.of(
            "email", "ada@example.com",
            "first_name", "Ada",
            "last_name", "Lovelace",
            "link", "https://shop.example.com/account?token=et_PreviewTokenNotValidAnywhere",
            "token", "et_PreviewTokenNotValidAnywhere",
            "new_email", "ada.new@example.com",
            "locked_until", "2030-01-01T12:30:00Z",
            "agent_name", "Shopping Assistant",
            "agent_scope", "profile:read, cart:write",
            "expires_at", "2030-01-31T12:00:00Z");

    private SampleValues() {
    }

    /** The values {@code template} knows; a login code has six digits and never a link. */
    static Map<String, String> of(MailTemplate template) {
        Map<String, String> values = new HashMap<>(VALUES.entrySet().stream()
                .filter(e -> template.variables().contains(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        if (template == MailTemplate.LOGIN_CODE) {
            values.put("token", "123456");
            values.remove("link");
        }
        return values;
    }
}
