-- Trade orders (the reference's tradeii.t_trade_order).
CREATE TABLE orders (
    order_id         TEXT        PRIMARY KEY,
    merchant_id      TEXT        NOT NULL,
    out_trade_no     TEXT        NOT NULL,
    product_code     TEXT        NOT NULL,
    subject          TEXT        NOT NULL,
    currency_code    CHAR(3)     NOT NULL,
    amount_minor     BIGINT      NOT NULL CHECK (amount_minor > 0),
    refunded_minor   BIGINT      NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0 AND refunded_minor <= amount_minor),
    payer_member_id  TEXT        NOT NULL,
    notify_url       TEXT        NOT NULL DEFAULT '',
    state            SMALLINT    NOT NULL,
    expire_time      TIMESTAMPTZ NOT NULL,
    payment_id       TEXT        NOT NULL DEFAULT '',
    pay_request_id   TEXT        NOT NULL DEFAULT '',
    context_id       TEXT        NOT NULL DEFAULT '',
    version          INTEGER     NOT NULL DEFAULT 1,
    create_time      TIMESTAMPTZ NOT NULL DEFAULT now(),
    update_time      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (merchant_id, out_trade_no)
);
CREATE INDEX orders_merchant ON orders (merchant_id, create_time DESC);
CREATE INDEX orders_unpaid_expiry ON orders (expire_time) WHERE state = 1;
