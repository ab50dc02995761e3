-- Housekeeping finds what it deletes through indexes, so that a sweep with nothing left to delete reads next to
-- nothing, however large the tables grow.

-- The outbox purge: sent and given-up mail by status and age, across tenants (the mail worker purges them all).
CREATE INDEX mail_outbox_status_created ON mail_outbox (status, created_at);
-- Expired deletion requests and staff sessions, tenant by tenant.
CREATE INDEX deletion_tokens_expiry ON deletion_tokens (tenant_id, expires_at);
CREATE INDEX staff_sessions_expiry ON staff_sessions (tenant_id, expires_at);
-- The guest carts of the anonymous sessions that the token purge deletes.
CREATE INDEX carts_session ON carts (tenant_id, session_id);

-- Guest carts whose session is gone already. The purge used to look for them among all guest carts; it now deletes a
-- guest cart together with its session, so these would otherwise stay for good.
DELETE FROM cart_items ci WHERE EXISTS (SELECT 1 FROM carts c WHERE c.tenant_id = ci.tenant_id AND c.id = ci.cart_id
    AND c.customer_id IS NULL AND NOT EXISTS (SELECT 1 FROM sessions s
        WHERE s.tenant_id = c.tenant_id AND s.id = c.session_id));
DELETE FROM carts c WHERE c.customer_id IS NULL AND NOT EXISTS (SELECT 1 FROM sessions s
    WHERE s.tenant_id = c.tenant_id AND s.id = c.session_id);
