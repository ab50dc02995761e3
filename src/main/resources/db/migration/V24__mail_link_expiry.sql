-- When the token a queued mail carries expires: mail held back by an SMTP outage past that moment is not sent, since
-- its link would only answer token_expired. Null for notices, and for mail queued before this column.
ALTER TABLE mail_outbox ADD COLUMN secret_expires_at TIMESTAMP WITH TIME ZONE;
