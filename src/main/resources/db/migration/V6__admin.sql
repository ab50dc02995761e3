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

-- The prefix search reads these (emails are stored lower-cased). The pattern_ops placeholder is varchar_pattern_ops
-- on PostgreSQL, whose planner answers LIKE 'prefix%' from a b-tree only with that operator class (unless the database
-- collation is C), and empty on H2, which compares by code point anyway. On H2 the email index repeats the unique one.
CREATE INDEX customers_email_prefix ON customers (tenant_id, email ${pattern_ops});
CREATE INDEX customers_search_name ON customers (tenant_id, search_name ${pattern_ops});
CREATE INDEX customers_search_last_name ON customers (tenant_id, search_last_name ${pattern_ops});
-- ?status= pages newest first along this index.
CREATE INDEX customers_status_created ON customers (tenant_id, status, created_at, id);
