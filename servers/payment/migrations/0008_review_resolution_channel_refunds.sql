-- Exception handling, continued (issue 8): how operations resolved a REVIEW (with the maker and
-- the request that decided it), and the refunds the engine sends through a channel by itself
-- (duplicate payments, late captures, resolved reviews): one row per refunded part, PK the
-- idempotency key; booked out of merchant pending / suspense once the channel confirms.
ALTER TABLE payments
    ADD COLUMN review_resolution      TEXT NOT NULL DEFAULT '',
    ADD COLUMN resolved_by            TEXT NOT NULL DEFAULT '',
    ADD COLUMN resolution_note        TEXT NOT NULL DEFAULT '',
    ADD COLUMN resolution_request_id  TEXT NOT NULL DEFAULT '';

CREATE TABLE channel_refunds (
    refund_key              TEXT        PRIMARY KEY,
    payment_id              TEXT        NOT NULL REFERENCES payments (payment_id),
    source                  TEXT        NOT NULL,
    instruction_id          TEXT        NOT NULL UNIQUE,
    original_inst_order_id  TEXT        NOT NULL,
    channel_id              TEXT        NOT NULL,
    currency_code           TEXT        NOT NULL,
    merchant_minor          BIGINT      NOT NULL CHECK (merchant_minor >= 0),
    suspense_minor          BIGINT      NOT NULL CHECK (suspense_minor >= 0),
    fee_back_minor          BIGINT      NOT NULL CHECK (fee_back_minor >= 0),
    state                   TEXT        NOT NULL DEFAULT 'PENDING'
                                        CHECK (state IN ('PENDING', 'SUBMITTED', 'SUCCEEDED', 'FAILED')),
    channel_result          TEXT        NOT NULL DEFAULT '',
    inst_order_id           TEXT        NOT NULL DEFAULT '',
    ledger_transfer_ids     TEXT[]      NOT NULL DEFAULT '{}',
    failure_reason          TEXT        NOT NULL DEFAULT '',
    create_time             TIMESTAMPTZ NOT NULL DEFAULT now(),
    update_time             TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (merchant_minor + suspense_minor > 0)
);
CREATE INDEX channel_refunds_payment ON channel_refunds (payment_id);
CREATE INDEX channel_refunds_open ON channel_refunds (update_time) WHERE state IN ('PENDING', 'SUBMITTED');
