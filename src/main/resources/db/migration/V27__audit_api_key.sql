-- Which secret key acted, for admin actions taken with one: a tenant may hold several, and with staff_id alone the
-- audit log could not tell them apart. No foreign key: a revoked key's events keep its id, as they keep a staff id.
ALTER TABLE audit_events ADD COLUMN api_key_id VARCHAR(40);
