-- Each mail names the customer it was written for, so erasing a customer forgets all of it: mail to the address they
-- have now, to an address they had before, and to the new address of an email change they never confirmed. Mail
-- queued before this column existed is attributed to the customer who has its address now.
ALTER TABLE mail_outbox ADD COLUMN customer_id VARCHAR(40);
UPDATE mail_outbox SET customer_id = (SELECT c.id FROM customers c
    WHERE c.tenant_id = mail_outbox.tenant_id AND c.email = mail_outbox.recipient);
CREATE INDEX mail_outbox_customer ON mail_outbox (tenant_id, customer_id);
DROP INDEX mail_outbox_recipient;
