-- Erasing a customer removes their carts and the mail sent to their address: both looked up by index, not by a scan.
CREATE INDEX carts_customer ON carts (tenant_id, customer_id);
CREATE INDEX mail_outbox_recipient ON mail_outbox (tenant_id, recipient);
