-- An AI shopping agent acting for one customer holds a session of kind 'agent': the customer's grant. Its id, the name
-- the customer gave it and its scopes (space-separated, as OAuth writes them) are the session's own columns, so the
-- lookup of its token, which reads the session anyway, carries the scope into the cached token at no cost. They are
-- NULL for every other session. Its only token is an access token: its pair has no refresh token.
ALTER TABLE sessions ADD COLUMN agent_id VARCHAR(40);
ALTER TABLE sessions ADD COLUMN agent_name VARCHAR(100);
ALTER TABLE sessions ADD COLUMN scope VARCHAR(200);
-- a grant is revoked by its id; NULLs (every other session) are distinct
CREATE UNIQUE INDEX sessions_agent ON sessions (tenant_id, agent_id);
