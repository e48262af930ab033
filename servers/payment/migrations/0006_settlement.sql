-- Settlement (issue 9): batches move a merchant's pending settlement to its settled account, net
-- of fees and refunds. A payment is in at most one batch (UNIQUE on the line's payment_id:
-- cancelling a batch deletes its lines). The fence of the per-merchant lock that wrote last is
-- kept, so a holder whose lease lapsed cannot write a batch.
CREATE TABLE settlement_batches (
    batch_id             TEXT        PRIMARY KEY,
    request_id           TEXT        NOT NULL UNIQUE,
    request_hash         BYTEA       NOT NULL,
    merchant_id          TEXT        NOT NULL,
    currency_code        CHAR(3)     NOT NULL,
    cutoff_time          TIMESTAMPTZ NOT NULL,
    gross_minor          BIGINT      NOT NULL CHECK (gross_minor >= 0),
    fees_minor           BIGINT      NOT NULL CHECK (fees_minor >= 0),
    refunds_minor        BIGINT      NOT NULL CHECK (refunds_minor >= 0),
    net_minor            BIGINT      NOT NULL CHECK (net_minor >= 0),
    line_count           INTEGER     NOT NULL CHECK (line_count > 0),
    state                SMALLINT    NOT NULL,
    fence                BIGINT      NOT NULL,
    ledger_transfer_ids  TEXT[]      NOT NULL DEFAULT '{}',
    create_time          TIMESTAMPTZ NOT NULL DEFAULT now(),
    update_time          TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT batch_balances CHECK (gross_minor - fees_minor - refunds_minor = net_minor)
);
CREATE INDEX settlement_batches_merchant ON settlement_batches (merchant_id, batch_id);
CREATE INDEX settlement_batches_open ON settlement_batches (merchant_id) WHERE state = 1;

CREATE TABLE settlement_lines (
    payment_id      TEXT    PRIMARY KEY REFERENCES payments (payment_id),  -- the database guard: never in two batches
    batch_id        TEXT    NOT NULL REFERENCES settlement_batches (batch_id),
    order_id        TEXT    NOT NULL,
    currency_code   CHAR(3) NOT NULL,
    amount_minor    BIGINT  NOT NULL,
    fee_minor       BIGINT  NOT NULL,
    refunded_minor  BIGINT  NOT NULL,
    net_minor       BIGINT  NOT NULL CHECK (net_minor >= 0),
    CONSTRAINT line_balances CHECK (amount_minor - fee_minor - refunded_minor = net_minor)
);
CREATE INDEX settlement_lines_batch ON settlement_lines (batch_id, payment_id);

CREATE TABLE settlement_fences (
    merchant_id  TEXT   PRIMARY KEY,
    fence        BIGINT NOT NULL
);

-- Settlement mode per merchant (1 MANUAL, the default when absent; 2 AUTO: on each payment.succeeded).
CREATE TABLE settlement_configs (
    merchant_id  TEXT        PRIMARY KEY,
    mode         SMALLINT    NOT NULL CHECK (mode IN (1, 2)),
    update_time  TIMESTAMPTZ NOT NULL DEFAULT now()
);
