-- Each token names the other token of its pair. A rotation retires the access token paired with the refresh token it
-- used, and nothing else: the pair handed out within refresh_reuse_grace (a second tab racing the first) and the pair
-- the first rotation handed out both stay valid, where the session's single access pointer (V9) kept only the newest.
ALTER TABLE tokens ADD COLUMN pair_hash VARCHAR(64);

-- Access tokens the pointer had retired are revoked outright, since the pointer goes.
UPDATE tokens SET revoked_at = CURRENT_TIMESTAMP
WHERE kind = 'access' AND revoked_at IS NULL
  AND EXISTS (SELECT 1 FROM sessions s WHERE s.tenant_id = tokens.tenant_id AND s.id = tokens.session_id
              AND s.access_hash IS NOT NULL AND s.access_hash <> tokens.token_hash);

-- Live tokens find their partner: both rows of a pair were written in one statement with the same created_at. Where
-- two pairs of a session share that instant (a rotation and a grace pair in one millisecond) nobody can tell which
-- token went with which, so none of them is paired.
UPDATE tokens SET pair_hash = (
    SELECT MIN(o.token_hash) FROM tokens o
    WHERE o.tenant_id = tokens.tenant_id AND o.session_id = tokens.session_id AND o.created_at = tokens.created_at
      AND o.kind <> tokens.kind)
WHERE revoked_at IS NULL AND used_at IS NULL
  AND (SELECT COUNT(*) FROM tokens o
       WHERE o.tenant_id = tokens.tenant_id AND o.session_id = tokens.session_id
         AND o.created_at = tokens.created_at) = 2;

-- A live access token left without a partner could never be retired by a rotation: it is revoked now. Its refresh
-- token still works, so the client gets a fresh pair at its next refresh rather than being logged out.
UPDATE tokens SET revoked_at = CURRENT_TIMESTAMP WHERE kind = 'access' AND revoked_at IS NULL AND pair_hash IS NULL;

ALTER TABLE sessions DROP COLUMN access_hash;
