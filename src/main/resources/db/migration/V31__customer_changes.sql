-- The merchant's tools that copy customers elsewhere read what changed since their last run, oldest change first.
CREATE INDEX customers_updated ON customers (tenant_id, updated_at, id);
