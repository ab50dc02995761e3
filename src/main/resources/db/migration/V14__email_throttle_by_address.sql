-- The mail throttle counts per address, whichever account asked: several accounts asking to move to one address
-- must not flood it. It reads the newest token of a purpose sent to an address.
CREATE INDEX email_tokens_address ON email_tokens (tenant_id, email, purpose, created_at);
