-- Fee plans (versioned), the instruction plan of each payment, refunds and transfers.
CREATE TABLE fee_plans (
    merchant_id   TEXT        NOT NULL,
    version       INTEGER     NOT NULL CHECK (version > 0),
    rules         JSONB       NOT NULL,
    create_time   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (merchant_id, version)
);

ALTER TABLE payments
    ADD COLUMN fee_plan_version     INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN original_payment_id  TEXT    NOT NULL DEFAULT '',
    ADD COLUMN refunded_minor       BIGINT  NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0),
    ADD COLUMN to_member_id         TEXT    NOT NULL DEFAULT '',
    -- Never refund more than was paid: enforced by the database as well as the code.
    ADD CONSTRAINT refunds_within_amount CHECK (refunded_minor <= amount_minor),
    ADD CONSTRAINT fee_within_amount CHECK (fee_minor <= amount_minor);
CREATE INDEX payments_original ON payments (original_payment_id) WHERE original_payment_id <> '';

CREATE TABLE instructions (
    instruction_id       TEXT        PRIMARY KEY,
    payment_id           TEXT        NOT NULL REFERENCES payments,
    seq                  INTEGER     NOT NULL,
    method               SMALLINT    NOT NULL,
    tool                 TEXT        NOT NULL,
    currency_code        CHAR(3)     NOT NULL,
    amount_minor         BIGINT      NOT NULL CHECK (amount_minor > 0),
    state                SMALLINT    NOT NULL,
    failure_reason       TEXT        NOT NULL DEFAULT '',
    ledger_transfer_ids  TEXT[]      NOT NULL DEFAULT '{}',
    context_id           TEXT        NOT NULL DEFAULT '',
    update_time          TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (payment_id, seq)
);
