-- The merchant's customer list: filters by status and a search by email or name prefix, newest first.

-- Lower-cased name keys for the case-insensitive prefix search, written by the application with every name change
-- (Java's root-locale lower case; the backfill below uses the database's LOWER, which agrees on every name but the
-- rarest). search_name is "first last", so "ada lov" finds Ada Lovelace and a first-name prefix finds her too;
-- search_last_name finds her by "love". Sized for lower-casing that lengthens a few characters.
ALTER TABLE customers ADD COLUMN search_name VARCHAR(402);
ALTER TABLE customers ADD COLUMN search_last_name VARCHAR(200);

UPDATE customers SET
    search_name = NULLIF(LOWER(TRIM(CONCAT(COALESCE(first_name, ''), ' ', COALESCE(last_name, '')))), ''),
    search_last_name = LOWER(last_name);

-- Emails are stored lower-cased, so the unique (tenant_id, email) index already serves the email prefix.
CREATE INDEX customers_search_name ON customers (tenant_id, search_name);
CREATE INDEX customers_search_last_name ON customers (tenant_id, search_last_name);
-- ?status= pages newest first along this index.
CREATE INDEX customers_status_created ON customers (tenant_id, status, created_at, id);
