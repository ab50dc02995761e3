-- A suspension's start, and which secret keys the operator issued: a key the operator issues while a tenant is
-- suspended records that suspension (rescues_suspension, its suspended_at) and opens the tenant's admin routes while
-- it lasts, so the merchant can revoke the other keys and replace staff passwords before the shop is reactivated (and
-- an attacker's keys and sessions come back to life). Tied to the suspension itself, not to clock readings.
ALTER TABLE tenants ADD COLUMN suspended_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE api_keys ADD COLUMN issued_by_operator BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE api_keys ADD COLUMN rescues_suspension TIMESTAMP WITH TIME ZONE;
UPDATE tenants SET suspended_at = updated_at WHERE status = 'suspended';
