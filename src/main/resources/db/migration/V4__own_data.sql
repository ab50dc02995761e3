-- The shopper's own data: the address book and single-use account-deletion tokens.
-- Both reference the customer without ON DELETE CASCADE: a customer row is only removed by the erasure, which
-- removes these rows first, so a forgotten table fails loudly instead of keeping personal data.

-- Which address is the default is held by customers.default_shipping_address_id / default_billing_address_id only.
-- tags: upper-case words [A-Z0-9_] joined by commas ('' when none).
CREATE TABLE addresses (
    tenant_id    VARCHAR(64)  NOT NULL,
    id           VARCHAR(40)  NOT NULL,
    customer_id  VARCHAR(40)  NOT NULL,
    first_name   VARCHAR(100),
    last_name    VARCHAR(100),
    company      VARCHAR(200),
    line1        VARCHAR(200) NOT NULL,
    line2        VARCHAR(200),
    city         VARCHAR(100) NOT NULL,
    region       VARCHAR(100),
    postal_code  VARCHAR(16),
    country      VARCHAR(2)   NOT NULL,
    phone        VARCHAR(32),
    tags         VARCHAR(400) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT addresses_customer_fk FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX addresses_customer ON addresses (tenant_id, customer_id, created_at, id);

-- DELETE /v1/me?token=: the SHA-256 of the emailed token. Consuming a token deletes its row in the erasure's
-- transaction, so of two requests with the same token only one finds it.
CREATE TABLE deletion_tokens (
    token_hash   VARCHAR(64)  NOT NULL PRIMARY KEY,
    tenant_id    VARCHAR(64)  NOT NULL,
    customer_id  VARCHAR(40)  NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT deletion_tokens_customer_fk FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX deletion_tokens_customer ON deletion_tokens (tenant_id, customer_id);
