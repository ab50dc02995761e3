-- Housekeeping deletes expired tokens tenant by tenant: with the tenant first in these indexes each tenant's
-- statement reads only its own expired rows, not every tenant's still waiting for their turn.
DROP INDEX tokens_expiry;
CREATE INDEX tokens_expiry ON tokens (tenant_id, expires_at);
DROP INDEX email_tokens_expiry;
CREATE INDEX email_tokens_expiry ON email_tokens (tenant_id, expires_at);
