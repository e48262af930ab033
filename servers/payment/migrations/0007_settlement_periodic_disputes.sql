-- Settlement, part 2 (issue 9): periodic mode, disputes, and refunds after settlement netted as
-- deduction lines in the merchant's next batch.

-- Periodic mode (3): once the cutoff of day D has passed in time_zone, the payments up to the
-- cutoff of day D − delay_days are settled (request `periodic:<merchant>:<date>`).
ALTER TABLE settlement_configs DROP CONSTRAINT settlement_configs_mode_check;
ALTER TABLE settlement_configs ADD CONSTRAINT settlement_configs_mode_check CHECK (mode IN (1, 2, 3));
ALTER TABLE settlement_configs ADD COLUMN cutoff_local_time TEXT NOT NULL DEFAULT '';
ALTER TABLE settlement_configs ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
ALTER TABLE settlement_configs ADD COLUMN delay_days INTEGER NOT NULL DEFAULT 0 CHECK (delay_days BETWEEN 0 AND 30);
ALTER TABLE settlement_configs ADD CONSTRAINT periodic_has_cutoff CHECK (mode <> 3 OR cutoff_local_time <> '');

-- A refund SUCCEEDED after its payment was settled took the money from the merchant's pending
-- balance (funds of payments not settled yet): the next batch carries it as a deduction line
-- keyed by the refund id: amount 0, fee = −fee returned, refunded = refund amount, net < 0.
-- A batch's net stays ≥ 0 (deductions beyond it wait for a later batch).
ALTER TABLE settlement_lines DROP CONSTRAINT settlement_lines_net_minor_check;
ALTER TABLE settlement_lines ADD COLUMN original_payment_id TEXT NOT NULL DEFAULT '';
ALTER TABLE settlement_batches DROP CONSTRAINT settlement_batches_fees_minor_check;

-- Refunds already accounted for, never deducted again: netted inside their payment's line
-- (SUCCEEDED before the batch: batch_id), or subtracted from a lost dispute's chargeback (dispute_id).
CREATE TABLE settlement_refund_covers (
    refund_id   TEXT PRIMARY KEY REFERENCES payments (payment_id),
    batch_id    TEXT REFERENCES settlement_batches (batch_id),
    dispute_id  TEXT,
    CHECK ((batch_id IS NULL) <> (dispute_id IS NULL))
);
INSERT INTO settlement_refund_covers (refund_id, batch_id)
SELECT x.payment_id, l.batch_id FROM settlement_lines l JOIN payments x ON x.original_payment_id = l.payment_id AND x.kind = 4 AND x.state = 3
WHERE l.refunded_minor > 0;

-- Disputes (chargebacks) of order payments not settled yet: OPEN holds the payment out of
-- settlement; WON frees it; LOST charges back what it left in pending (pending → suspense).
CREATE TABLE settlement_disputes (
    dispute_id           TEXT        PRIMARY KEY,
    request_id           TEXT        NOT NULL UNIQUE,
    request_hash         BYTEA       NOT NULL,
    payment_id           TEXT        NOT NULL REFERENCES payments (payment_id),
    merchant_id          TEXT        NOT NULL,
    currency_code        CHAR(3)     NOT NULL,
    amount_minor         BIGINT      NOT NULL CHECK (amount_minor > 0),
    state                SMALLINT    NOT NULL CHECK (state IN (1, 2, 3)),
    reason               TEXT        NOT NULL DEFAULT '',
    ledger_transfer_ids  TEXT[]      NOT NULL DEFAULT '{}',
    create_time          TIMESTAMPTZ NOT NULL DEFAULT now(),
    close_time           TIMESTAMPTZ
);
CREATE UNIQUE INDEX settlement_disputes_one_open ON settlement_disputes (payment_id) WHERE state IN (1, 3);
CREATE INDEX settlement_disputes_merchant ON settlement_disputes (merchant_id, dispute_id);
