-- The hash of the secret the start answered beside the state, which the callback must bring: it stays in the browser
-- that started the login, so a code and state planted on another browser (login CSRF) finish nothing. Nullable
-- without a default (no rewrite on PostgreSQL): a login started before this column has none and cannot finish
-- (invalid_state); the shopper starts it again, as after 10 minutes.
ALTER TABLE oidc_states ADD COLUMN binding_hash VARCHAR(64);
