-- Bulk imports: a job may be cancelled by the merchant, and the import workers take turns between shops. A worker runs
-- a slice of a job (a few batches), lets it go, and then takes the job of the shop that has waited longest: a shop's
-- turn is when a worker last took one of its jobs.
ALTER TABLE customer_imports DROP CONSTRAINT customer_imports_status;
ALTER TABLE customer_imports ADD CONSTRAINT customer_imports_status
    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled'));
CREATE TABLE customer_import_turns (
    tenant_id VARCHAR(64)              NOT NULL REFERENCES tenants (id),
    turn_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id)
);
