package dev.latchkey.webhook;

import dev.latchkey.audit.AuditType;
import dev.latchkey.http.FieldError;
import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Text;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the fields of a webhook from a request body (the admin API's JSON, or the dashboard's form read into the same
 * shape), collecting every bad one for one 422.
 */
public final class WebhookInput {
    static final int MAX_DESCRIPTION = 255;
    /** A day: time enough to give the receiver the new secret, short enough for a secret that leaked. */
    static final int MAX_OVERLAP_SECONDS = 86_400;
    /** The longest audit type's wire name, with room. */
    private static final int MAX_TYPE = 64;
    /** An unknown type is named in the answer only when it looks like one (no control or other odd characters). */
    private static final Pattern SHOWN_TYPE = Pattern.compile("[a-z0-9_.]{1,64}");
    private static final Set<String> READ_ONLY = Set.of("id", "secret", "disabled_reason", "consecutive_failures",
            "previous_secret_expires_at", "created_at", "updated_at");

    private final Destinations destinations;

    /** {@code allowPrivate}: plain http and private addresses are allowed (development and tests). */
    public WebhookInput(boolean allowPrivate) {
        this.destinations = new Destinations(allowPrivate);
    }

    public record New(String url, List<String> events, String description) {
    }

    public New create(JsonInput in) {
        String url = url(in, true);
        List<String> events = events(in, true);
        String description = in.line("description", MAX_DESCRIPTION).orElse(null);
        checkDestination(in, url);
        return new New(url, events, description);
    }

    public WebhookChanges changes(JsonInput in) {
        in.rejectPresent(READ_ONLY);
        String url = url(in, false);
        List<String> events = events(in, false);
        Map<String, Object> described = new HashMap<>();
        in.textChange("description", MAX_DESCRIPTION, described);
        Webhook.Status status = null;
        Optional<String> rawStatus = in.string("status", 16);
        if (rawStatus.isPresent()) {
            status = Webhook.Status.fromWire(rawStatus.get()).orElse(null);
            if (status == null) {
                in.reject("status", "invalid", "status must be active or disabled.");
            }
        }
        checkDestination(in, url);
        return new WebhookChanges(url, events, described.containsKey("description"),
                (String) described.get("description"), status);
    }

    /** How long the previous secret still signs after a rotation: {@code previous_secret_ttl} seconds, 0 if absent. */
    public Duration overlap(JsonInput in) {
        // the one field a rotation takes: a misspelt one would otherwise end the old secret at once, unasked
        in.fieldNames().forEachRemaining(name -> {
            if (!name.equals("previous_secret_ttl")) {
                in.reject(name, "unknown_field", name + " is not a field of a secret rotation; previous_secret_ttl is.");
            }
        });
        Duration overlap = Duration.ofSeconds(in.integer("previous_secret_ttl", 0, MAX_OVERLAP_SECONDS).orElse(0L));
        in.validate();
        return overlap;
    }

    private String url(JsonInput in, boolean required) {
        Optional<String> url = in.string("url", Destinations.MAX_URL).map(Text::trim);
        // given empty on a change is no more a destination than left out on a creation
        if ((required || in.given("url")) && url.isEmpty() && !in.hasErrorFor("url")) {
            in.reject("url", "required", "url is required.");
        }
        url.flatMap(destinations::formError).ifPresent(error -> reject(in, error));
        return in.hasErrorFor("url") ? null : url.orElse(null);
    }

    /**
     * The destination's address is looked up last, once every field is valid: the look-up takes a DNS round trip,
     * and its answer would not change a refusal.
     */
    private void checkDestination(JsonInput in, String url) {
        if (url != null && in.valid()) {
            destinations.addressError(url).ifPresent(error -> reject(in, error));
        }
        in.validate();
    }

    private static void reject(JsonInput in, FieldError error) {
        in.reject(error.field(), error.code(), error.message());
    }

    private static List<String> events(JsonInput in, boolean required) {
        Optional<List<String>> events = in.distinctStrings("events", AuditType.values().length + 1, MAX_TYPE);
        if (events.isEmpty()) {
            if (required && !in.hasErrorFor("events")) {
                in.reject("events", "required", "events is required: the event types to send, or [\"*\"] for all.");
            }
            return null;
        }
        List<String> types = events.get();
        if (types.isEmpty()) {
            in.reject("events", "too_short", "events must name at least one event type, or \"*\" for all.");
        } else if (types.contains(Webhook.ALL_EVENTS) && types.size() > 1) {
            in.reject("events", "invalid", "\"*\" stands for every event type and stands alone.");
        }
        types.stream().filter(type -> !type.equals(Webhook.ALL_EVENTS) && AuditType.fromWire(type).isEmpty())
                .findFirst().ifPresent(unknown -> in.reject("events", "invalid", "events holds "
                        + (SHOWN_TYPE.matcher(unknown).matches() ? "'" + unknown + "', which is" : "a value that is")
                        + " not an audit event type."));
        return types;
    }
}
