-- The operator may suspend a tenant (a leaked key, abuse, a departed merchant): every credential of the tenant is then
-- refused until it is reactivated. Nothing else changes, so reactivation restores what is still within its lifetime.
ALTER TABLE tenants ADD COLUMN status VARCHAR(16) NOT NULL DEFAULT 'active';
ALTER TABLE tenants ADD CONSTRAINT tenants_status CHECK (status IN ('active', 'suspended'));
