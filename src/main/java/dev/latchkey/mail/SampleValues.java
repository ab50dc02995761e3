package dev.latchkey.mail;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Made-up values for a message's preview: a verified customer (so the name shows), a link, and the message's own
 * values. {@code changed_by_shop} stays empty, as in the common case of the shopper's own change; the notice of ways in
 * removed lists all four kinds, so that the preview shows each line.
 */
final class SampleValues {
    /** How long the preview's link or code is said to work. */
    static final Duration VALID_FOR = Duration.ofHours(24);

    private static final Map<String, String> VALUES = Map.ofEntries(
            Map.entry("email", "ada@example.com"),
            Map.entry("first_name", "Ada"),
            Map.entry("last_name", "Lovelace"),
            Map.entry("link", "https://shop.example.com/account?token=et_PreviewTokenNotValidAnywhere"),
            Map.entry("token", "et_PreviewTokenNotValidAnywhere"),
            Map.entry("new_email", "ada.new@example.com"),
            Map.entry("locked_until", "2030-01-01T12:30:00Z"),
            Map.entry("agent_name", "Shopping Assistant"),
            Map.entry("agent_scope", "profile:read, cart:write"),
            Map.entry("expires_at", "2030-01-31T12:00:00Z"),
            Map.entry("passkeys_removed", "yes"),
            Map.entry("mfa_removed", "yes"),
            Map.entry("linked_accounts_removed", "yes"),
            Map.entry("agents_removed", "yes"));

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
