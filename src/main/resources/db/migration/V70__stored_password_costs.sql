-- The cost of a customer's password hash when it is not one Latchkey made with its current parameters (an imported
-- bcrypt or Argon2 hash): 'bcrypt:12', 'argon2:m=65536,t=4,p=4'. Null for Latchkey's own hashes and for no hash.
-- The index answers "does a customer of the shop still have a hash of this cost" with one look-up.
ALTER TABLE customers ADD COLUMN password_cost VARCHAR(64);
CREATE INDEX customers_password_cost ON customers (tenant_id, password_cost);

-- The costs of the shop's customers' hashes (one row per cost, a handful at most): a refused login of the shop
-- answers no sooner than a verification of the costliest of them takes. A row is written before the first hash of
-- its cost, and deleted only once no customer of the shop has one any more.
CREATE TABLE tenant_password_costs (
    tenant_id VARCHAR(64) NOT NULL REFERENCES tenants (id),
    cost      VARCHAR(64) NOT NULL,
    PRIMARY KEY (tenant_id, cost)
);

-- The hashes stored so far: every bcrypt hash, and every Argon2 hash but those of the default cost (m=19456, t=2,
-- p=1), which Latchkey writes itself.
UPDATE customers SET password_cost = 'bcrypt:' || SUBSTRING(password_hash FROM 5 FOR 2)
WHERE password_hash LIKE '$2_$__$%';

UPDATE customers SET password_cost = 'argon2:' || SUBSTRING(
        SUBSTRING(password_hash FROM POSITION('$m=' IN password_hash) + 1) FROM 1
        FOR POSITION('$' IN SUBSTRING(password_hash FROM POSITION('$m=' IN password_hash) + 1)) - 1)
WHERE password_hash LIKE '$argon2%$m=%,t=%,p=%$%$%'
  AND password_hash NOT LIKE '$argon2id$v=19$m=19456,t=2,p=1$%';

INSERT INTO tenant_password_costs (tenant_id, cost)
SELECT DISTINCT tenant_id, password_cost FROM customers WHERE password_cost IS NOT NULL;
