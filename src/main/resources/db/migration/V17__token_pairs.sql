-- One row per pair of tokens instead of one per token. A rotation used to mark one row used, revoke a second and insert
-- two more; now it updates the pair it used (refresh token used, access token retired: neither column is indexed, so
-- PostgreSQL can keep the new row version on its page without touching an index) and inserts one row. Tokens are kept
-- as the 32 bytes of their SHA-256 rather than 64 hex characters: half the index, and compared byte by byte whatever
-- the database's collation. V18 moves the rows of the old table here.
--
-- A session's end is written on its own row only: every look-up of a token reads its session too, so a pair of an
-- ended session answers 401 without its own columns being written, and logging out a session that rotated for a month
-- does not rewrite thousands of pairs.
CREATE TABLE token_pairs (
    -- NULL only where V18 found one token of a pair without the other (the other was already deleted as expired)
    access_hash        BYTEA,
    refresh_hash       BYTEA,
    tenant_id          VARCHAR(64)  NOT NULL,
    session_id         VARCHAR(40)  NOT NULL,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    access_expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    refresh_expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    -- the later of the two expiries: when housekeeping may delete the row
    expires_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    access_revoked_at  TIMESTAMP WITH TIME ZONE,
    refresh_used_at    TIMESTAMP WITH TIME ZONE,
    refresh_revoked_at TIMESTAMP WITH TIME ZONE,
    CONSTRAINT token_pairs_access UNIQUE (access_hash),
    CONSTRAINT token_pairs_refresh UNIQUE (refresh_hash)
);
CREATE INDEX token_pairs_session ON token_pairs (tenant_id, session_id);
CREATE INDEX token_pairs_expiry ON token_pairs (tenant_id, expires_at);
