-- A six-digit login code is an emailed token of purpose 'login_code': it shares the tokens' throttle, withdrawal,
-- export, erasure and purge. A code has too few values to serve as the row's key, so the row's token_hash is a random
-- key that nobody is told, and code_hash is the HMAC-SHA256 of that key and the code under a key derived from the
-- server's key (never the code itself). failed_attempts counts wrong entries of the code; the fifth withdraws it.
-- Both stay NULL / 0 for the tokens sent in links.
ALTER TABLE email_tokens ADD COLUMN code_hash VARCHAR(64);
ALTER TABLE email_tokens ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0;
