-- The mail throttle counts per address, whichever account asked (V14). Where the address is no account's own (the new
-- address of an email change), the accounts' row locks do not make requests of two accounts for it take turns: each
-- such request inserts the address's row here (by SHA-256 of the address) before it reads the throttle and deletes it
-- before it commits. A second request's insert waits for the first's transaction, and then reads the throttle with the
-- first's token committed. No row is ever committed: the table stays empty and holds no address.
CREATE TABLE email_address_turns (
    tenant_id  VARCHAR(64) NOT NULL,
    purpose    VARCHAR(32) NOT NULL,
    email_hash VARCHAR(64) NOT NULL,
    PRIMARY KEY (tenant_id, purpose, email_hash)
);
