-- A name the merchant gives a key ("storefront", "ERP sync"), so that several keys can be told apart in lists and in
-- the audit log's api_key_id; null for keys made before, and for keys made without one.
ALTER TABLE api_keys ADD COLUMN name VARCHAR(100);
