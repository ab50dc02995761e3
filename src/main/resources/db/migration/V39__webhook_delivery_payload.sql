-- A delivery carries its event's payload (the customer id and the audit data) from the moment it is queued, copied by
-- the fan-out in the round trip that records the event, so that the audit log's retention, which may be shorter than
-- the three days of retries, cannot take it away from a delivery still waiting. It is kept only while the delivery may
-- still go out (pending or held) and cleared once it is delivered or given up on.
ALTER TABLE webhook_deliveries ADD COLUMN customer_id VARCHAR(40);
ALTER TABLE webhook_deliveries ADD COLUMN data VARCHAR(4096);

UPDATE webhook_deliveries SET
    customer_id = (SELECT a.customer_id FROM audit_events a
                   WHERE a.tenant_id = webhook_deliveries.tenant_id AND a.id = webhook_deliveries.event_id),
    data = (SELECT a.data FROM audit_events a
            WHERE a.tenant_id = webhook_deliveries.tenant_id AND a.id = webhook_deliveries.event_id)
WHERE status IN ('pending', 'held');
-- what the worker did until now with a delivery whose event was purged first
UPDATE webhook_deliveries SET status = 'failed', leased_until = NULL,
    last_error = 'not delivered: the event was purged from the audit log first'
WHERE status IN ('pending', 'held') AND data IS NULL;

ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_payload
    CHECK (status NOT IN ('pending', 'held') OR data IS NOT NULL);
