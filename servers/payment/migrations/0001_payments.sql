-- Payment orders of the payment core.
CREATE TABLE payments (
    payment_id           TEXT        PRIMARY KEY,
    request_id           TEXT        NOT NULL UNIQUE,
    request_hash         BYTEA       NOT NULL,
    kind                 SMALLINT    NOT NULL,
    order_id             TEXT        NOT NULL DEFAULT '',
    merchant_id          TEXT        NOT NULL,
    payer_member_id      TEXT        NOT NULL,
    currency_code        CHAR(3)     NOT NULL,
    amount_minor         BIGINT      NOT NULL CHECK (amount_minor > 0),
    fee_minor            BIGINT      NOT NULL DEFAULT 0 CHECK (fee_minor >= 0),
    method               SMALLINT    NOT NULL,
    state                SMALLINT    NOT NULL,
    failure_reason       TEXT        NOT NULL DEFAULT '',
    ledger_transfer_ids  TEXT[]      NOT NULL DEFAULT '{}',
    context_id           TEXT        NOT NULL DEFAULT '',
    version              INTEGER     NOT NULL DEFAULT 1,
    create_time          TIMESTAMPTZ NOT NULL DEFAULT now(),
    update_time          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX payments_order ON payments (order_id) WHERE order_id <> '';
CREATE INDEX payments_merchant ON payments (merchant_id, payment_id);
CREATE INDEX payments_context ON payments (context_id);
