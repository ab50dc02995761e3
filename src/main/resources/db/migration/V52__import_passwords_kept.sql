-- Bulk imports with on_conflict=update set a row's password_hash only on a customer without a password: the rows
-- whose hash was not applied, as the customer has a password of their own, are counted for the merchant to see.
ALTER TABLE customer_imports ADD COLUMN passwords_kept INTEGER NOT NULL DEFAULT 0;
