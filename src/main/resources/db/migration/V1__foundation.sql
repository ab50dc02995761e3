-- One SQL dialect (PostgreSQL), also run by H2 in PostgreSQL mode. Every table carries tenant_id and every query
-- filters on it, so the schema can be sharded by tenant.

CREATE TABLE tenants (
    id          VARCHAR(64)  NOT NULL PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    settings    VARCHAR(65536) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE api_keys (
    id          VARCHAR(40)  NOT NULL PRIMARY KEY,
    tenant_id   VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    kind        VARCHAR(16)  NOT NULL,
    key_hash    VARCHAR(64)  NOT NULL,
    hint        VARCHAR(16)  NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at  TIMESTAMP WITH TIME ZONE,
    CONSTRAINT api_keys_hash_unique UNIQUE (key_hash)
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at);

CREATE TABLE customers (
    tenant_id                    VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    id                           VARCHAR(40)  NOT NULL,
    email                        VARCHAR(254) NOT NULL,
    email_verified               BOOLEAN      NOT NULL,
    status                       VARCHAR(32)  NOT NULL,
    password_hash                VARCHAR(512),
    first_name                   VARCHAR(100),
    last_name                    VARCHAR(100),
    title                        VARCHAR(50),
    phone                        VARCHAR(32),
    company                      VARCHAR(200),
    preferred_language           VARCHAR(35),
    preferred_currency           VARCHAR(3),
    preferred_site               VARCHAR(64),
    accepts_marketing            BOOLEAN      NOT NULL,
    accepts_marketing_updated_at TIMESTAMP WITH TIME ZONE,
    attributes                   VARCHAR(32768) NOT NULL,
    default_shipping_address_id  VARCHAR(40),
    default_billing_address_id   VARCHAR(40),
    failed_attempts              INTEGER      NOT NULL DEFAULT 0,
    lock_count                   INTEGER      NOT NULL DEFAULT 0,
    locked_until                 TIMESTAMP WITH TIME ZONE,
    last_failure_at              TIMESTAMP WITH TIME ZONE,
    created_at                   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at                   TIMESTAMP WITH TIME ZONE NOT NULL,
    version                      BIGINT       NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT customers_email_unique UNIQUE (tenant_id, email)
);
CREATE INDEX customers_created ON customers (tenant_id, created_at, id);

-- A session is the unit of login (customer or anonymous). expires_at follows its refresh token.
CREATE TABLE sessions (
    tenant_id    VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    id           VARCHAR(40)  NOT NULL,
    customer_id  VARCHAR(40),
    kind         VARCHAR(16)  NOT NULL,
    ip           VARCHAR(64),
    user_agent   VARCHAR(512),
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    last_used_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at   TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX sessions_customer ON sessions (tenant_id, customer_id);

-- Access and refresh tokens, by SHA-256 of the token; the token itself is never stored.
CREATE TABLE tokens (
    token_hash  VARCHAR(64)  NOT NULL PRIMARY KEY,
    tenant_id   VARCHAR(64)  NOT NULL,
    session_id  VARCHAR(40)  NOT NULL,
    kind        VARCHAR(16)  NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at     TIMESTAMP WITH TIME ZONE,
    revoked_at  TIMESTAMP WITH TIME ZONE
);
CREATE INDEX tokens_session ON tokens (tenant_id, session_id);
CREATE INDEX tokens_expiry ON tokens (expires_at);
