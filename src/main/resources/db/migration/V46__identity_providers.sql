-- Social login: a shop's OpenID Connect identity providers, the logins waiting for a provider's answer, and which
-- provider account (issuer's subject) belongs to which customer.

-- client_secret is kept encrypted (AES-GCM under a key derived from the server's key), as TOTP seeds are: the server
-- must send it to the provider's token endpoint. scopes: the requested scopes between spaces.
CREATE TABLE identity_providers (
    tenant_id     VARCHAR(64)   NOT NULL REFERENCES tenants (id),
    id            VARCHAR(40)   NOT NULL,
    slug          VARCHAR(40)   NOT NULL,
    display_name  VARCHAR(100)  NOT NULL,
    issuer        VARCHAR(2048) NOT NULL,
    client_id     VARCHAR(255)  NOT NULL,
    client_secret VARCHAR(1200) NOT NULL,
    scopes        VARCHAR(1000) NOT NULL,
    enabled       BOOLEAN       NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT identity_providers_slug UNIQUE (tenant_id, slug)
);

-- A login sent to the provider: the hash of its state, and what the callback needs that the browser must not hold
-- (the PKCE verifier, the nonce). Used once; link_customer_id names the logged-in customer who asked to link.
CREATE TABLE oidc_states (
    tenant_id        VARCHAR(64)   NOT NULL,
    state_hash       VARCHAR(64)   NOT NULL,
    provider_id      VARCHAR(40)   NOT NULL,
    redirect_uri     VARCHAR(2048) NOT NULL,
    code_verifier    VARCHAR(128)  NOT NULL,
    nonce            VARCHAR(128)  NOT NULL,
    link_customer_id VARCHAR(40),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, state_hash),
    CONSTRAINT oidc_states_provider_fk FOREIGN KEY (tenant_id, provider_id) REFERENCES identity_providers (tenant_id, id)
);
CREATE INDEX oidc_states_expiry ON oidc_states (tenant_id, expires_at);

-- A customer's account at a provider; one provider account belongs to one customer of the shop.
CREATE TABLE customer_identities (
    tenant_id   VARCHAR(64)  NOT NULL,
    id          VARCHAR(40)  NOT NULL,
    customer_id VARCHAR(40)  NOT NULL,
    provider_id VARCHAR(40)  NOT NULL,
    subject     VARCHAR(255) NOT NULL,
    email       VARCHAR(320),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT customer_identities_subject UNIQUE (tenant_id, provider_id, subject),
    CONSTRAINT customer_identities_customer_fk FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
    CONSTRAINT customer_identities_provider_fk FOREIGN KEY (tenant_id, provider_id)
        REFERENCES identity_providers (tenant_id, id)
);
CREATE INDEX customer_identities_customer ON customer_identities (tenant_id, customer_id);
