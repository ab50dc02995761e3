-- Carts of anonymous sessions and customers, and the orders a merchant records for its shoppers.

-- A cart belongs to one anonymous session (session_id) or one customer (customer_id). active_owner holds that owner's
-- id while the cart is active and NULL once it is closed, so the unique constraint allows one active cart per owner
-- without a partial index (NULLs are distinct on both engines).
CREATE TABLE carts (
    tenant_id    VARCHAR(64) NOT NULL REFERENCES tenants (id),
    id           VARCHAR(40) NOT NULL,
    customer_id  VARCHAR(40),
    session_id   VARCHAR(40),
    status       VARCHAR(16) NOT NULL,
    active_owner VARCHAR(40),
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    closed_at    TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT carts_one_active UNIQUE (tenant_id, active_owner)
);

CREATE TABLE cart_items (
    tenant_id  VARCHAR(64) NOT NULL,
    cart_id    VARCHAR(40) NOT NULL,
    sku        VARCHAR(64) NOT NULL,
    quantity   INTEGER     NOT NULL,
    added_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, cart_id, sku),
    CONSTRAINT cart_items_cart FOREIGN KEY (tenant_id, cart_id) REFERENCES carts (tenant_id, id)
);

-- customer_id carries no foreign key: orders outlive the customer row (erasure keeps them without personal data).
CREATE TABLE orders (
    tenant_id   VARCHAR(64)    NOT NULL REFERENCES tenants (id),
    id          VARCHAR(40)    NOT NULL,
    number      VARCHAR(64)    NOT NULL,
    email       VARCHAR(254)   NOT NULL,
    customer_id VARCHAR(40),
    status      VARCHAR(16)    NOT NULL,
    currency    VARCHAR(3)     NOT NULL,
    total       NUMERIC(19, 4) NOT NULL,
    token_hash  VARCHAR(64)    NOT NULL,
    placed_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT orders_number_unique UNIQUE (tenant_id, number)
);
CREATE INDEX orders_customer_placed ON orders (tenant_id, customer_id, placed_at, id);
CREATE INDEX orders_email ON orders (tenant_id, email);

CREATE TABLE order_lines (
    tenant_id  VARCHAR(64)    NOT NULL,
    order_id   VARCHAR(40)    NOT NULL,
    line_no    INTEGER        NOT NULL,
    sku        VARCHAR(64)    NOT NULL,
    name       VARCHAR(200)   NOT NULL,
    quantity   INTEGER        NOT NULL,
    unit_price NUMERIC(19, 4) NOT NULL,
    PRIMARY KEY (tenant_id, order_id, line_no),
    CONSTRAINT order_lines_order FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
);
