package dev.latchkey.webhook;

import java.time.Instant;

/**
 * One event's delivery to one webhook, as the merchant sees it: {@code pending} (with its next attempt), then
 * {@code delivered} or {@code failed}; {@code held} while the operator has suspended the tenant, pending again after. {@code lastError} is short: a reason, or a bounded prefix of the receiver's
 * answer.
 */
public record Delivery(String eventId, String eventType, String status, int attempts, Integer lastStatusCode,
                       String lastError, Instant nextAttemptAt, Instant deliveredAt, Instant createdAt) {
    static final String PENDING = "pending";
    static final String DELIVERED = "delivered";
    static final String FAILED = "failed";
    static final String HELD = "held";

    /** Which delivery: the tenant, the webhook and the event. */
    record Key(String tenantId, String webhookId, String eventId) {
    }

    /**
     * The event a delivery sends, as it was queued: its id, type and time, the customer it is about (null for none) and
     * the audit log's details of it, as JSON text.
     */
    record Event(String id, String type, Instant createdAt, String customerId, String data) {
    }

    /** A delivery the worker found due, with the attempts made so far. */
    record Due(Key key, int attempts) {
    }
}
