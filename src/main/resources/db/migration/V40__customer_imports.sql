-- Bulk imports of customers: the uploaded file is kept here until its job ends, so that the import worker of any node
-- can run it; progress is written in the transaction of each batch of rows, so that a job taken over after its node
-- stopped goes on from the first row not yet committed, never running a row twice.
CREATE TABLE customer_imports (
    tenant_id      VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    id             VARCHAR(40)  NOT NULL,
    status         VARCHAR(16)  NOT NULL,
    format         VARCHAR(16)  NOT NULL,
    on_conflict    VARCHAR(16)  NOT NULL,
    total_rows     INTEGER      NOT NULL,
    processed_rows INTEGER      NOT NULL DEFAULT 0,
    created_count  INTEGER      NOT NULL DEFAULT 0,
    updated_count  INTEGER      NOT NULL DEFAULT 0,
    skipped_count  INTEGER      NOT NULL DEFAULT 0,
    failed_count   INTEGER      NOT NULL DEFAULT 0,
    -- the first 100 refused rows, a JSON array of {row, field, code, message}
    errors         TEXT         NOT NULL,
    -- who uploaded it, as the audit events of its rows name them
    staff_id       VARCHAR(40),
    api_key_id     VARCHAR(40),
    client_ip      VARCHAR(64),
    user_agent     VARCHAR(512),
    -- the worker running it: a random id per run, so that one whose lease ran out cannot write over its successor
    leased_by      VARCHAR(40),
    leased_until   TIMESTAMP WITH TIME ZONE,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at    TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT customer_imports_status CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    CONSTRAINT customer_imports_format CHECK (format IN ('csv', 'ndjson')),
    CONSTRAINT customer_imports_on_conflict CHECK (on_conflict IN ('skip', 'update'))
);
-- The uploaded file, apart from the job's row: the worker updates that row after every batch, and H2 writes a changed
-- row whole, so a file kept in it would be written again with each batch (gigabytes for one 20 MB file).
CREATE TABLE customer_import_files (
    tenant_id VARCHAR(64) NOT NULL,
    import_id VARCHAR(40) NOT NULL,
    payload   BYTEA       NOT NULL,
    PRIMARY KEY (tenant_id, import_id),
    CONSTRAINT customer_import_files_job FOREIGN KEY (tenant_id, import_id) REFERENCES customer_imports (tenant_id, id)
);
-- The worker's look for jobs to run, of every tenant, oldest first.
CREATE INDEX customer_imports_due ON customer_imports (status, created_at);
-- The merchant's list, newest first (descending, as V34 has the other lists, for H2).
CREATE INDEX customer_imports_listed ON customer_imports (tenant_id DESC, created_at DESC, id DESC);
