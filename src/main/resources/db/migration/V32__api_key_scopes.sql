-- The admin permissions a secret key holds, for a back end that needs only some of them (relaying storefront calls,
-- reading orders): their names separated by spaces, '' for none (the key then works on the storefront only). Null
-- for a key holding every permission, those a later version adds too, as the owner does: every key made before, and
-- every publishable key, which opens no admin route whatever this says.
ALTER TABLE api_keys ADD COLUMN scopes VARCHAR(1000);
