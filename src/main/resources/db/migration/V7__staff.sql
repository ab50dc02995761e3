-- The merchant's staff: accounts per tenant with a role, their sessions (API tokens and dashboard logins), and who
-- acted in the audit log.

-- Lockout columns mirror those of customers: the same rules lock staff logins.
CREATE TABLE staff (
    tenant_id        VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    id               VARCHAR(40)  NOT NULL,
    email            VARCHAR(254) NOT NULL,
    role             VARCHAR(16)  NOT NULL,
    password_hash    VARCHAR(512) NOT NULL,
    failed_attempts  INTEGER      NOT NULL DEFAULT 0,
    lock_count       INTEGER      NOT NULL DEFAULT 0,
    locked_until     TIMESTAMP WITH TIME ZONE,
    last_failure_at  TIMESTAMP WITH TIME ZONE,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT staff_email_unique UNIQUE (tenant_id, email)
);
CREATE INDEX staff_created ON staff (tenant_id, created_at, id);

-- A staff session by SHA-256 of its token: kind 'api' (Bearer stf_...) or 'dashboard' (the cookie). A session ends
-- at expires_at, when revoked, or (dashboard) after idle_seconds without a request.
CREATE TABLE staff_sessions (
    token_hash    VARCHAR(64)  NOT NULL PRIMARY KEY,
    tenant_id     VARCHAR(64)  NOT NULL,
    id            VARCHAR(40)  NOT NULL,
    staff_id      VARCHAR(40)  NOT NULL,
    kind          VARCHAR(16)  NOT NULL,
    ip            VARCHAR(64),
    user_agent    VARCHAR(512),
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    last_used_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    idle_seconds  BIGINT,
    revoked_at    TIMESTAMP WITH TIME ZONE,
    CONSTRAINT staff_sessions_staff_fk FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
);
CREATE INDEX staff_sessions_staff ON staff_sessions (tenant_id, staff_id);

-- The staff member who did what an event records (null for the secret key, shoppers and the system).
ALTER TABLE audit_events ADD COLUMN staff_id VARCHAR(40);
