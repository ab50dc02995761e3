-- The session's current access token. A refresh points the session at the new token instead of writing the old
-- token's row, so a rotation costs one write fewer; the old token stops working because it is no longer the current
-- one. Sessions from before this column keep NULL and the old rule (revoked_at on the token row) until they rotate.
ALTER TABLE sessions ADD COLUMN access_hash VARCHAR(64);
