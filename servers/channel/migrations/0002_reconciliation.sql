-- Reconciliation: imported channel statements (one per channel and day), their lines (bulk
-- loaded with COPY), runs, cases (one per difference) and per-channel tolerances.
CREATE TABLE statements (
    statement_id   TEXT        PRIMARY KEY,
    channel_id     TEXT        NOT NULL,
    statement_date DATE        NOT NULL,
    state          SMALLINT    NOT NULL,
    source         SMALLINT    NOT NULL,
    ufs_file_tag   TEXT        NOT NULL DEFAULT '',
    file_sha256    TEXT        NOT NULL DEFAULT '',
    line_count     BIGINT      NOT NULL DEFAULT 0,
    totals         JSONB       NOT NULL DEFAULT '{}',   -- {"amounts": {cur: minor}, "fees": {cur: minor}}
    error_message  TEXT        NOT NULL DEFAULT '',
    create_time    TIMESTAMPTZ NOT NULL DEFAULT now(),
    import_time    TIMESTAMPTZ,
    UNIQUE (channel_id, statement_date)
);

-- No foreign key to statements: a per-row RI check would halve COPY speed; lines are deleted
-- with their statement by statements.import_statement (replace).
CREATE TABLE statement_lines (
    statement_id      TEXT        NOT NULL,
    line_number       BIGINT      NOT NULL,
    channel_reference TEXT        NOT NULL,
    inst_order_id     TEXT        NOT NULL,
    type              SMALLINT    NOT NULL,
    state             SMALLINT    NOT NULL,   -- InstOrderState: 5 SUCCESS, 6 FAIL
    currency_code     TEXT        NOT NULL,
    amount_minor      BIGINT      NOT NULL,
    fee_minor         BIGINT      NOT NULL,
    transaction_time  TIMESTAMPTZ,
    raw_status        TEXT        NOT NULL,
    PRIMARY KEY (statement_id, line_number)
);

CREATE TABLE recon_config (
    channel_id              TEXT   PRIMARY KEY,
    amount_tolerance_minor  BIGINT NOT NULL DEFAULT 0 CHECK (amount_tolerance_minor >= 0),
    fee_tolerance_minor     BIGINT NOT NULL DEFAULT 0 CHECK (fee_tolerance_minor >= 0)
);

CREATE TABLE recon_runs (
    run_id          TEXT        PRIMARY KEY,
    channel_id      TEXT        NOT NULL,
    statement_date  DATE        NOT NULL,
    statement_id    TEXT        NOT NULL,
    state           SMALLINT    NOT NULL,
    line_count      BIGINT      NOT NULL DEFAULT 0,
    totals          JSONB       NOT NULL DEFAULT '[]',   -- [{class, count, amounts: {cur: minor}}]
    cases_opened    BIGINT      NOT NULL DEFAULT 0,
    cases_settled   BIGINT      NOT NULL DEFAULT 0,
    error_message   TEXT        NOT NULL DEFAULT '',
    context_id      TEXT        NOT NULL DEFAULT '',
    create_time     TIMESTAMPTZ NOT NULL DEFAULT now(),
    finish_time     TIMESTAMPTZ
);
CREATE INDEX recon_runs_day ON recon_runs (channel_id, statement_date, create_time DESC);

CREATE TABLE recon_cases (
    case_id            TEXT        PRIMARY KEY,
    kind               SMALLINT    NOT NULL,   -- DifferenceKind
    order_type         SMALLINT    NOT NULL DEFAULT 1,   -- 1 PAY (money in); 2 REFUND, 3 PAYOUT (money out)
    state              SMALLINT    NOT NULL,   -- CaseState
    channel_id         TEXT        NOT NULL,
    statement_date     DATE        NOT NULL,
    run_id             TEXT        NOT NULL DEFAULT '',
    inst_order_id      TEXT        NOT NULL DEFAULT '',
    channel_reference  TEXT        NOT NULL DEFAULT '',
    line_number        BIGINT      NOT NULL DEFAULT 0,
    currency_code      TEXT        NOT NULL,
    local_amount_minor BIGINT,
    channel_amount_minor BIGINT,
    local_fee_minor    BIGINT,
    channel_fee_minor  BIGINT,
    local_state        SMALLINT    NOT NULL DEFAULT 0,
    channel_state      SMALLINT    NOT NULL DEFAULT 0,
    resolution         TEXT        NOT NULL DEFAULT '',
    note               TEXT        NOT NULL DEFAULT '',
    ledger_transfer_ids TEXT[]     NOT NULL DEFAULT '{}',
    adjustment         JSONB,                  -- {amount_minor, note, proposed_by, approved_by, ledger_transfer_ids}
    booked             BOOLEAN     NOT NULL DEFAULT false,   -- the automatic ledger action is done
    dedup_key          TEXT        NOT NULL,   -- kind:channel:(inst order id | channel reference | line)
    context_id         TEXT        NOT NULL DEFAULT '',
    version            BIGINT      NOT NULL DEFAULT 1,
    create_time        TIMESTAMPTZ NOT NULL DEFAULT now(),
    update_time        TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (dedup_key)                          -- a difference opens one case, ever
);
CREATE INDEX recon_cases_open ON recon_cases (channel_id, kind, statement_date) WHERE state = 1;
CREATE INDEX recon_cases_day ON recon_cases (channel_id, statement_date);
CREATE INDEX recon_cases_unbooked ON recon_cases (create_time) WHERE NOT booked;

-- The day's SUCCESS orders of a channel (channel missing) and lines echoing only the channel's id.
CREATE INDEX inst_orders_finished ON inst_orders (channel_id, finish_time) WHERE state = 5;
CREATE INDEX inst_orders_channel_ref ON inst_orders (channel_reference) WHERE channel_reference <> '';
