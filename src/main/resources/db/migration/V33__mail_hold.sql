-- A suspended tenant's mail is held (status 'held') instead of sent, and set back to 'pending' once the tenant is
-- active again. The worker holds and releases one tenant's mail, and finds the tenants with held mail one index probe
-- each, along this index; the due index (status, next_attempt_at) never meets held mail, so however much is held, the
-- other tenants' mail is found as fast as before.
CREATE INDEX mail_outbox_tenant_status ON mail_outbox (status, tenant_id);
