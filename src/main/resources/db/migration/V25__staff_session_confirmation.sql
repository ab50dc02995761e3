-- When the staff member last re-entered their password in this dashboard session: the owner's pages that could hand
-- the shop to someone else (staff, API keys) act only for ten minutes after it. Null: never confirmed, as every
-- session is at its login.
ALTER TABLE staff_sessions ADD COLUMN confirmed_at TIMESTAMP WITH TIME ZONE;
