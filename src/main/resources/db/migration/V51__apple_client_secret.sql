-- Sign in with Apple: a provider may hold, instead of a client secret, the key of the merchant's Apple developer
-- account that the server signs each client secret with (a short-lived ES256 JWT). apple_private_key is its PKCS#8
-- encoding, kept encrypted as client_secret is (under a key derived for this purpose); apple_team_id and
-- apple_key_id go into the JWT. A provider has the one or the other, never both, never neither.
ALTER TABLE identity_providers ALTER COLUMN client_secret DROP NOT NULL;
ALTER TABLE identity_providers ADD COLUMN apple_team_id VARCHAR(10);
ALTER TABLE identity_providers ADD COLUMN apple_key_id VARCHAR(10);
ALTER TABLE identity_providers ADD COLUMN apple_private_key VARCHAR(1200);
ALTER TABLE identity_providers ADD CONSTRAINT identity_providers_one_secret CHECK (
    (client_secret IS NOT NULL AND apple_team_id IS NULL AND apple_key_id IS NULL AND apple_private_key IS NULL)
    OR (client_secret IS NULL AND apple_team_id IS NOT NULL AND apple_key_id IS NOT NULL
        AND apple_private_key IS NOT NULL));
