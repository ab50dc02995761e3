-- A customer's consent to marketing email, as Shopify's email_marketing_consent: its state (subscribed, not_subscribed,
-- pending while a confirmation mail waits for its click, unsubscribed), how it was given (single_opt_in,
-- confirmed_opt_in, unknown) and when the state last changed. accepts_marketing stays, true exactly while subscribed:
-- the list filters and the export read it as before. A consent recorded before this says nothing of how it was given:
-- unknown, with the time of the last choice.
ALTER TABLE customers ADD COLUMN marketing_state VARCHAR(16) DEFAULT 'not_subscribed' NOT NULL;
ALTER TABLE customers ADD COLUMN marketing_opt_in_level VARCHAR(16) DEFAULT 'unknown' NOT NULL;
ALTER TABLE customers ADD COLUMN marketing_consent_updated_at TIMESTAMP WITH TIME ZONE;
UPDATE customers SET marketing_state = CASE WHEN accepts_marketing THEN 'subscribed' ELSE 'not_subscribed' END,
    marketing_consent_updated_at = accepts_marketing_updated_at;
ALTER TABLE customers ADD CONSTRAINT customers_marketing_state
    CHECK (marketing_state IN ('subscribed', 'not_subscribed', 'pending', 'unsubscribed'));
ALTER TABLE customers ADD CONSTRAINT customers_marketing_opt_in_level
    CHECK (marketing_opt_in_level IN ('single_opt_in', 'confirmed_opt_in', 'unknown'));
