-- Two-step sign-in for staff, on the tables of the customers' (V38) in shape: whether a login asks for it
-- (mfa_enabled_at on the staff row), the encrypted TOTP seed, the recovery codes' hashes and the logins waiting for a
-- code. A staff challenge remembers which kind of session (api, dashboard) its login opens.
ALTER TABLE staff ADD COLUMN mfa_enabled_at TIMESTAMP WITH TIME ZONE;

CREATE TABLE staff_mfa_totp (
    tenant_id      VARCHAR(64) NOT NULL,
    staff_id       VARCHAR(40) NOT NULL,
    secret         VARCHAR(200),
    pending_secret VARCHAR(200),
    last_step      BIGINT,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, staff_id),
    CONSTRAINT staff_mfa_totp_staff_fk FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
        ON DELETE CASCADE
);

CREATE TABLE staff_mfa_recovery_codes (
    tenant_id   VARCHAR(64) NOT NULL,
    staff_id    VARCHAR(40) NOT NULL,
    code_hash   VARCHAR(64) NOT NULL,
    used_at     TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (tenant_id, staff_id, code_hash),
    CONSTRAINT staff_mfa_recovery_codes_staff_fk FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
        ON DELETE CASCADE
);

CREATE TABLE staff_mfa_challenges (
    tenant_id    VARCHAR(64) NOT NULL,
    token_hash   VARCHAR(64) NOT NULL,
    staff_id     VARCHAR(40) NOT NULL,
    session_kind VARCHAR(16) NOT NULL,
    first_factor VARCHAR(32) NOT NULL,
    attempts     INTEGER     NOT NULL DEFAULT 0,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, token_hash),
    CONSTRAINT staff_mfa_challenges_staff_fk FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
        ON DELETE CASCADE
);
CREATE INDEX staff_mfa_challenges_staff ON staff_mfa_challenges (tenant_id, staff_id);
CREATE INDEX staff_mfa_challenges_expiry ON staff_mfa_challenges (tenant_id, expires_at);
