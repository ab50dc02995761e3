-- Emailed single-use tokens, the mail outbox and the tenants' own mail templates.

-- Tokens sent by email (verification, password reset, email change, deletion), by SHA-256 of the token. A token is
-- bound to its tenant, customer, purpose and the address it was sent to; used_at is set exactly once.
CREATE TABLE email_tokens (
    token_hash   VARCHAR(64)  NOT NULL PRIMARY KEY,
    tenant_id    VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    customer_id  VARCHAR(40)  NOT NULL,
    purpose      VARCHAR(32)  NOT NULL,
    email        VARCHAR(254) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at      TIMESTAMP WITH TIME ZONE,
    voided_at    TIMESTAMP WITH TIME ZONE
);
-- Voiding a customer's tokens of one purpose and the per-address throttle both read by these columns.
CREATE INDEX email_tokens_customer ON email_tokens (tenant_id, customer_id, purpose, created_at);
CREATE INDEX email_tokens_expiry ON email_tokens (expires_at);

-- Mail written in the same transaction as the change it reports, sent later by the outbox worker. The bodies hold a
-- placeholder where the token goes; the token itself waits in `secret` until the mail is sent, then is erased.
CREATE TABLE mail_outbox (
    tenant_id        VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    id               VARCHAR(40)  NOT NULL,
    recipient        VARCHAR(254) NOT NULL,
    template         VARCHAR(64)  NOT NULL,
    language         VARCHAR(35)  NOT NULL,
    subject          VARCHAR(1000) NOT NULL,
    text_body        VARCHAR(65536) NOT NULL,
    html_body        VARCHAR(262144) NOT NULL,
    secret           VARCHAR(128),
    status           VARCHAR(16)  NOT NULL,
    attempts         INTEGER      NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    leased_until     TIMESTAMP WITH TIME ZONE,
    last_error       VARCHAR(500),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    sent_at          TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
CREATE INDEX mail_outbox_created ON mail_outbox (tenant_id, created_at);

-- A tenant's replacement for a built-in template in one language (or a language Latchkey does not ship).
CREATE TABLE mail_templates (
    tenant_id   VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    template    VARCHAR(64)  NOT NULL,
    language    VARCHAR(35)  NOT NULL,
    subject     VARCHAR(500) NOT NULL,
    text_body   VARCHAR(20000) NOT NULL,
    html_body   VARCHAR(100000) NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, template, language)
);
