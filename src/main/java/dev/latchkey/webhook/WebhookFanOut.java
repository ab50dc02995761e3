package dev.latchkey.webhook;

import dev.latchkey.audit.EventFanOut;

/**
 * The webhooks' transactional outbox: each audit event queues one delivery for every active webhook of its tenant that
 * subscribes to its type, in the transaction and the round trip that record the event. The delivery copies what it
 * will send (the event's customer and data, bound for the event's own insert), so that it does not depend on the audit
 * log's retention. For a tenant without webhooks that is one probe of the webhooks' primary key, which finds nothing.
 */
public final class WebhookFanOut implements EventFanOut {
    private static final String ENQUEUE = "INSERT INTO webhook_deliveries (tenant_id, webhook_id, event_id, event_type, "
            + "customer_id, data, status, attempts, next_attempt_at, created_at) "
            + "SELECT w.tenant_id, w.id, :id, :type, :customer, :data, '" + Delivery.PENDING + "', 0, :at, :at "
            + "FROM webhooks w "
            + "WHERE w.tenant_id = :tenant AND w.status = 'active' "
            + "AND (w.events = '," + Webhook.ALL_EVENTS + ",' OR POSITION(',' || :type || ',' IN w.events) > 0)";

    private final Runnable wake;

    /** {@code wake} tells the delivery worker that deliveries were just committed. */
    public WebhookFanOut(Runnable wake) {
        this.wake = wake;
    }

    @Override
    public String statement() {
        return ENQUEUE;
    }

    @Override
    public void queued() {
        wake.run();
    }
}
