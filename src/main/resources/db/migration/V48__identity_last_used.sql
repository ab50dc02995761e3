-- When a linked provider account last logged its customer in: null until its first login (linking is no login, and
-- created_at already says when it was linked). A nullable column without a default: no rewrite on PostgreSQL.
ALTER TABLE customer_identities ADD COLUMN last_used_at TIMESTAMP WITH TIME ZONE;
