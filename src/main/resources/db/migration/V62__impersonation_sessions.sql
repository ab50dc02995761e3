-- A session a member of the merchant's staff (or the merchant's back end, with a secret key) started to see the shop
-- as its customer sees it ("log in as customer"): the staff member's id (staff_...) or the secret key's (key_...).
-- Null for every session the customer or an agent of theirs started. Read with the session by every lookup of its
-- token, so the mark travels in the token's cached record at no cost.
ALTER TABLE sessions ADD COLUMN impersonated_by VARCHAR(64);
