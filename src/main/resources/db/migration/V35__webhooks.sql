-- Webhooks: the merchant's back end is told of the tenant's audit events. A delivery is written in the transaction
-- (and the round trip) of the event it reports and sent later by the delivery worker of any node.

-- events: the subscribed audit types between commas (',customer.created,login.failed,'), or ',*,' for all of them,
-- so that the fan-out matches a type with one POSITION. No secret is stored: the signing secret of version
-- secret_version is derived from the server's webhook key; previous_secret_version still signs, beside it, until
-- previous_secret_until.
CREATE TABLE webhooks (
    tenant_id               VARCHAR(64)   NOT NULL REFERENCES tenants (id),
    id                      VARCHAR(40)   NOT NULL,
    url                     VARCHAR(2048) NOT NULL,
    events                  VARCHAR(2048) NOT NULL,
    description             VARCHAR(255),
    status                  VARCHAR(16)   NOT NULL,
    disabled_reason         VARCHAR(255),
    secret_version          INTEGER       NOT NULL,
    previous_secret_version INTEGER,
    previous_secret_until   TIMESTAMP WITH TIME ZONE,
    consecutive_failures    INTEGER       NOT NULL DEFAULT 0,
    created_at              TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at              TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT webhooks_status CHECK (status IN ('active', 'disabled'))
);
-- The merchant's list, newest first.
CREATE INDEX webhooks_created ON webhooks (tenant_id, created_at, id);

-- One row per event and subscribed webhook; the payload is read from the audit event when it is sent.
CREATE TABLE webhook_deliveries (
    tenant_id        VARCHAR(64)  NOT NULL,
    webhook_id       VARCHAR(40)  NOT NULL,
    event_id         VARCHAR(40)  NOT NULL,
    event_type       VARCHAR(64)  NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    attempts         INTEGER      NOT NULL DEFAULT 0,
    last_status_code INTEGER,
    last_error       VARCHAR(300),
    next_attempt_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    leased_until     TIMESTAMP WITH TIME ZONE,
    delivered_at     TIMESTAMP WITH TIME ZONE,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, webhook_id, event_id),
    CONSTRAINT webhook_deliveries_status CHECK (status IN ('pending', 'delivered', 'failed', 'held'))
);
-- The worker's look for due deliveries of every tenant; the tenants with deliveries held during a suspension; a
-- webhook's deliveries newest first; the purge by age.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_held ON webhook_deliveries (status, tenant_id);
-- Descending, so that H2, which reads an index in its own order only, walks a page of the newest-first list without
-- sorting the webhook's deliveries (as V34 does for the other lists); PostgreSQL reads it the same way.
CREATE INDEX webhook_deliveries_listed ON webhook_deliveries (tenant_id DESC, webhook_id DESC, created_at DESC,
    event_id DESC);
CREATE INDEX webhook_deliveries_created ON webhook_deliveries (tenant_id, created_at);

-- The fingerprint of the server's webhook key, written by the first node that signs: a node started with another key
-- finds a different one here and neither issues secrets nor sends deliveries (its signatures would not verify).
CREATE TABLE webhook_signing_key (
    id          INTEGER     NOT NULL PRIMARY KEY,
    fingerprint VARCHAR(64) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT webhook_signing_key_one CHECK (id = 1)
);
