-- A suspension's start, and which secret keys the operator issued: a key the operator issues while a tenant is
-- suspended opens its admin routes during that suspension, so the merchant can revoke the other keys and replace staff
-- passwords before the shop is reactivated (and an attacker's keys and sessions come back to life).
ALTER TABLE tenants ADD COLUMN suspended_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE api_keys ADD COLUMN issued_by_operator BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE tenants SET suspended_at = updated_at WHERE status = 'suspended';
