-- A cart lists its items in the order they came into it. Their added_at cannot say that order: an item merged in at
-- login keeps the time the shopper added it to the guest cart, which is earlier than the customer's own items, and two
-- items can share a timestamp. Each item now holds its place in the cart; existing items keep the order they were
-- listed in (added_at, then sku).
ALTER TABLE cart_items ADD COLUMN seq INTEGER;

UPDATE cart_items SET seq = (SELECT COUNT(*) FROM cart_items o
    WHERE o.tenant_id = cart_items.tenant_id AND o.cart_id = cart_items.cart_id
      AND (o.added_at < cart_items.added_at OR (o.added_at = cart_items.added_at AND o.sku <= cart_items.sku)));

ALTER TABLE cart_items ALTER COLUMN seq SET NOT NULL;
