-- Security events (the audit log). Events outlive the customers they name, so customer_id is not a foreign key.
-- data is a small JSON object stored as text (no JSONB: the schema also runs on H2).
CREATE TABLE audit_events (
    tenant_id    VARCHAR(64)   NOT NULL REFERENCES tenants (id),
    id           VARCHAR(40)   NOT NULL,
    customer_id  VARCHAR(40),
    type         VARCHAR(64)   NOT NULL,
    ip           VARCHAR(64),
    user_agent   VARCHAR(512),
    data         VARCHAR(4096) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
-- Newest-first listing and the retention purge; the filtered listings by customer and by type.
CREATE INDEX audit_events_created ON audit_events (tenant_id, created_at, id);
CREATE INDEX audit_events_customer ON audit_events (tenant_id, customer_id, created_at, id);
CREATE INDEX audit_events_type ON audit_events (tenant_id, type, created_at, id);
