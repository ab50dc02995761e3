-- The merchant's list of orders, newest placed first: of the whole shop, by status, or by the address they were placed
-- with. The address index takes over from the one on (tenant_id, email), which the guest orders' attachment and the
-- erasure read by its prefix.
CREATE INDEX orders_placed ON orders (tenant_id, placed_at, id);
CREATE INDEX orders_status_placed ON orders (tenant_id, status, placed_at, id);
CREATE INDEX orders_email_placed ON orders (tenant_id, email, placed_at, id);
DROP INDEX orders_email;
