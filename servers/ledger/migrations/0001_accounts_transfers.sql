-- Ledger: accounts, transfers (one per leg) and entries (two per posted transfer).
CREATE TABLE accounts (
    account_id                      TEXT        PRIMARY KEY,
    owner_type                      SMALLINT    NOT NULL,
    owner_id                        TEXT        NOT NULL,
    account_type                    SMALLINT    NOT NULL,
    currency_code                   CHAR(3)     NOT NULL,
    debits_must_not_exceed_credits  BOOLEAN     NOT NULL,
    credits_must_not_exceed_debits  BOOLEAN     NOT NULL,
    state                           SMALLINT    NOT NULL,
    debits_posted                   BIGINT      NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
    credits_posted                  BIGINT      NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
    debits_pending                  BIGINT      NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
    credits_pending                 BIGINT      NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
    context_id                      TEXT        NOT NULL DEFAULT '',
    create_time                     TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (owner_type, owner_id, account_type, currency_code),
    -- The database enforces the overdraft flags too: a bug in code cannot break them.
    CHECK (NOT debits_must_not_exceed_credits OR debits_posted + debits_pending <= credits_posted),
    CHECK (NOT credits_must_not_exceed_debits OR credits_posted + credits_pending <= debits_posted)
);

CREATE TABLE transfers (
    transfer_id           TEXT        PRIMARY KEY,
    request_id            TEXT        NOT NULL,
    leg_index             INTEGER     NOT NULL,
    debit_account_id      TEXT        NOT NULL REFERENCES accounts,
    credit_account_id     TEXT        NOT NULL REFERENCES accounts,
    currency_code         CHAR(3)     NOT NULL,
    amount_minor          BIGINT      NOT NULL CHECK (amount_minor > 0),
    state                 SMALLINT    NOT NULL,
    business_code         TEXT        NOT NULL,
    order_id              TEXT        NOT NULL DEFAULT '',
    payment_id            TEXT        NOT NULL DEFAULT '',
    refund_id             TEXT        NOT NULL DEFAULT '',
    settlement_batch_id   TEXT        NOT NULL DEFAULT '',
    reverses_transfer_id  TEXT        NOT NULL DEFAULT '',
    context_id            TEXT        NOT NULL DEFAULT '',
    create_time           TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (request_id, leg_index),
    CHECK (debit_account_id <> credit_account_id)
);
CREATE INDEX transfers_context ON transfers (context_id) WHERE context_id <> '';
CREATE INDEX transfers_order ON transfers (order_id) WHERE order_id <> '';
CREATE INDEX transfers_payment ON transfers (payment_id) WHERE payment_id <> '';
CREATE INDEX transfers_debit ON transfers (debit_account_id, transfer_id);
CREATE INDEX transfers_credit ON transfers (credit_account_id, transfer_id);

-- Append-only: an entry is never updated or deleted.
CREATE TABLE entries (
    entry_id      BIGSERIAL   PRIMARY KEY,
    account_id    TEXT        NOT NULL REFERENCES accounts,
    transfer_id   TEXT        NOT NULL REFERENCES transfers,
    debit_minor   BIGINT      NOT NULL CHECK (debit_minor >= 0),
    credit_minor  BIGINT      NOT NULL CHECK (credit_minor >= 0),
    context_id    TEXT        NOT NULL DEFAULT '',
    create_time   TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((debit_minor = 0) <> (credit_minor = 0))
);
CREATE INDEX entries_account ON entries (account_id, entry_id);
