-- The indexes that the customers' changes (updated_since) filtered by status, a flag or the consent's state
-- (email_verified, accepts_marketing, marketing_state) read a page along: the value, then the time of the change and
-- the id, oldest first, as the changes without a filter read customers_updated (V31). Without them a page walked every
-- customer changed since then and checked each, so that a value few of them have read far past the page, and one that
-- none has read all of them for an empty page. Ascending on both engines: the changes are read oldest first.
CREATE INDEX customers_status_updated ON customers (tenant_id, status, updated_at, id);
CREATE INDEX customers_email_verified_updated ON customers (tenant_id, email_verified, updated_at, id);
CREATE INDEX customers_accepts_marketing_updated ON customers (tenant_id, accepts_marketing, updated_at, id);
CREATE INDEX customers_marketing_state_updated ON customers (tenant_id, marketing_state, updated_at, id);
