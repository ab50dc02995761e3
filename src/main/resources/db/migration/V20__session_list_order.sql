-- A customer's sessions are listed newest first, paged by (created_at, id): the index now holds that order, so a page
-- reads its rows from the index instead of reading and sorting every session the customer ever had.
DROP INDEX sessions_customer;
CREATE INDEX sessions_customer ON sessions (tenant_id, customer_id, created_at, id);
