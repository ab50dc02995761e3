-- Passkeys (WebAuthn credentials) of customers. The user handle is a random id per customer, given to authenticators
-- in place of the customer id; a passkey keeps its credential id (base64url, unique per tenant), the attested
-- credential data (AAGUID, credential id, COSE public key: base64url of webauthn4j's encoding) and the signature
-- counter, which must grow with each use when the authenticator keeps one.
CREATE TABLE passkey_users (
    tenant_id   VARCHAR(64) NOT NULL,
    customer_id VARCHAR(40) NOT NULL,
    user_handle VARCHAR(64) NOT NULL,
    PRIMARY KEY (tenant_id, customer_id),
    CONSTRAINT passkey_users_handle UNIQUE (tenant_id, user_handle),
    CONSTRAINT passkey_users_customer_fk FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);

CREATE TABLE passkeys (
    tenant_id          VARCHAR(64)   NOT NULL,
    id                 VARCHAR(40)   NOT NULL,
    customer_id        VARCHAR(40)   NOT NULL,
    credential_id      VARCHAR(1400) NOT NULL,
    credential_data    VARCHAR(4000) NOT NULL,
    sign_count         BIGINT        NOT NULL,
    uv_initialized     BOOLEAN       NOT NULL,
    backup_eligible    BOOLEAN       NOT NULL,
    backed_up          BOOLEAN       NOT NULL,
    transports         VARCHAR(200)  NOT NULL,
    aaguid             VARCHAR(36)   NOT NULL,
    name               VARCHAR(100)  NOT NULL,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    last_used_at       TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT passkeys_credential UNIQUE (tenant_id, credential_id),
    CONSTRAINT passkeys_customer_fk FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX passkeys_customer ON passkeys (tenant_id, customer_id);

-- A ceremony's challenge, kept only as its SHA-256: single use, short-lived. A registration's is bound to the customer
-- who asked for it; a login's is found by its id and bound to no one until a passkey answers it.
CREATE TABLE passkey_challenges (
    tenant_id      VARCHAR(64) NOT NULL,
    id             VARCHAR(40) NOT NULL,
    purpose        VARCHAR(16) NOT NULL,
    challenge_hash VARCHAR(64) NOT NULL,
    customer_id    VARCHAR(40),
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT passkey_challenges_customer_fk FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
        ON DELETE CASCADE
);
CREATE INDEX passkey_challenges_hash ON passkey_challenges (tenant_id, challenge_hash);
CREATE INDEX passkey_challenges_expiry ON passkey_challenges (tenant_id, expires_at);
