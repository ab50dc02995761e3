-- A second factor for customers: an authenticator app (TOTP, RFC 6238) with one-time recovery codes.
-- The account's row says whether a login asks for it (mfa_enabled_at, shown as the customer's mfa_enabled); the rest
-- is the second factor's own tables.
ALTER TABLE customers ADD COLUMN mfa_enabled_at TIMESTAMP WITH TIME ZONE;

-- The TOTP seed must be usable by the server, so it is kept encrypted (AES-GCM under a key derived from the server's
-- key) rather than hashed. pending_secret is a seed shown to the customer and not confirmed yet; secret the confirmed
-- one. last_step is the last time step a code was accepted for, so that no code is accepted twice.
CREATE TABLE mfa_totp (
    tenant_id      VARCHAR(64) NOT NULL,
    customer_id    VARCHAR(40) NOT NULL,
    secret         VARCHAR(200),
    pending_secret VARCHAR(200),
    last_step      BIGINT,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, customer_id),
    CONSTRAINT mfa_totp_customer_fk FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);

-- Recovery codes, kept as SHA-256 hashes (each carries 80 random bits); a used one keeps its row until a new set.
CREATE TABLE mfa_recovery_codes (
    tenant_id   VARCHAR(64) NOT NULL,
    customer_id VARCHAR(40) NOT NULL,
    code_hash   VARCHAR(64) NOT NULL,
    used_at     TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (tenant_id, customer_id, code_hash),
    CONSTRAINT mfa_recovery_codes_customer_fk FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);

-- A login waiting for its second factor: the mfa_ token's hash, the guest cart the login would have claimed, what the
-- first factor was, and the wrong codes tried so far.
CREATE TABLE mfa_challenges (
    tenant_id        VARCHAR(64) NOT NULL,
    token_hash       VARCHAR(64) NOT NULL,
    customer_id      VARCHAR(40) NOT NULL,
    guest_cart_id    VARCHAR(64),
    guest_session_id VARCHAR(40),
    first_factor     VARCHAR(32) NOT NULL,
    attempts         INTEGER     NOT NULL DEFAULT 0,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, token_hash),
    CONSTRAINT mfa_challenges_customer_fk FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX mfa_challenges_customer ON mfa_challenges (tenant_id, customer_id);
CREATE INDEX mfa_challenges_expiry ON mfa_challenges (tenant_id, expires_at);
