-- The merchant's own data about a customer, never shown to the shopper's storefront: a note in the customer's row, and
-- tags (as Shopify's customers have) in their own table. A tag keeps the spelling it was first given; its key, the
-- tag in lower case, makes a customer's tags unique whatever the case and is what the customer list filters on
-- (H2 indexes no expressions, so the key is a column). The key may be longer than the tag: lower case of U+0130 is
-- two characters. No ON DELETE CASCADE: the erasure removes a customer's tags before the row, as the other tables'.
ALTER TABLE customers ADD COLUMN note VARCHAR(5000);

CREATE TABLE customer_tags (
    tenant_id   VARCHAR(64)  NOT NULL,
    customer_id VARCHAR(40)  NOT NULL,
    tag         VARCHAR(255) NOT NULL,
    tag_key     VARCHAR(510) NOT NULL,
    PRIMARY KEY (tenant_id, customer_id, tag_key),
    CONSTRAINT customer_tags_customer_fk FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
-- ?tag= on the customer list: the customers with a tag, read from here rather than from the customers
CREATE INDEX customer_tags_by_tag ON customer_tags (tenant_id, tag_key, customer_id);
