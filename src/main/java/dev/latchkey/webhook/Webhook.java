package dev.latchkey.webhook;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A merchant's endpoint that is told of the tenant's audit events of the subscribed {@code events} (audit type wire
 * names, or {@link #ALL_EVENTS}). Its signing secret is never stored: version {@code secretVersion} is derived from the
 * server's webhook key ({@link SigningKey}); after a rotation with an overlap the previous version signs too, until
 * {@code previousSecretUntil}. {@code consecutiveFailures} counts the latest events given up on in a row.
 */
public record Webhook(String tenantId, String id, String url, List<String> events, String description, Status status,
                      String disabledReason, int secretVersion, Integer previousSecretVersion,
                      Instant previousSecretUntil, int consecutiveFailures, Instant createdAt, Instant updatedAt) {
    public static final String ALL_EVENTS = "*";

    public enum Status {
        ACTIVE, DISABLED;

        public String wire() {
            return name().toLowerCase();
        }

        public static Optional<Status> fromWire(String value) {
            return Arrays.stream(values()).filter(status -> status.wire().equals(value)).findFirst();
        }
    }

    /** The secret versions that sign a delivery at {@code now}: the current one, then the previous within its overlap. */
    public List<Integer> signingVersions(Instant now) {
        return previousSecretVersion != null && previousSecretUntil != null && now.isBefore(previousSecretUntil)
                ? List.of(secretVersion, previousSecretVersion) : List.of(secretVersion);
    }

    /** The events as stored, between commas, so that the fan-out finds a type with one POSITION. */
    static String storedEvents(List<String> events) {
        return "," + String.join(",", events) + ",";
    }

    static List<String> readEvents(String stored) {
        return List.of(stored.substring(1, stored.length() - 1).split(","));
    }
}
