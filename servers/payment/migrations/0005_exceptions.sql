-- Exception handling (issue 8): a capture that differs from the instruction amount holds the
-- payment in REVIEW (state 6) with what was captured and why; a second successful payment of an
-- order records the payment it duplicates; a channel SUCCESS after the payment FAILED is a late
-- capture, booked channel clearing → platform suspense once per institution order.
ALTER TABLE payments
    ADD COLUMN captured_minor  BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN review_reason   TEXT   NOT NULL DEFAULT '',
    ADD COLUMN duplicate_of    TEXT   NOT NULL DEFAULT '';

CREATE TABLE late_captures (
    inst_order_id        TEXT        PRIMARY KEY,
    payment_id           TEXT        NOT NULL REFERENCES payments (payment_id),
    instruction_id       TEXT        NOT NULL,
    channel_id           TEXT        NOT NULL,
    currency_code        TEXT        NOT NULL,
    amount_minor         BIGINT      NOT NULL CHECK (amount_minor >= 0),
    ledger_transfer_ids  TEXT[]      NOT NULL DEFAULT '{}',
    booked               BOOLEAN     NOT NULL DEFAULT FALSE,
    create_time          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX late_captures_payment ON late_captures (payment_id);
CREATE INDEX late_captures_unbooked ON late_captures (payment_id) WHERE NOT booked;
CREATE INDEX payments_order_succeeded ON payments (order_id) WHERE state = 3 AND kind = 1;
