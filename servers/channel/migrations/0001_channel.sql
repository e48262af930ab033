-- Channel gateway: channels, routing rules, error code tables, institution orders,
-- notifications seen, daily quota use.
CREATE TABLE channels (
    channel_id   TEXT        PRIMARY KEY,
    state        SMALLINT    NOT NULL,
    spec         JSONB       NOT NULL,          -- paymesh.channel.v1.ChannelSpec as proto JSON
    version      BIGINT      NOT NULL DEFAULT 1,
    create_time  TIMESTAMPTZ NOT NULL DEFAULT now(),
    update_time  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE routing_rules (
    rule_id      TEXT        PRIMARY KEY,
    name         TEXT        NOT NULL UNIQUE,
    state        SMALLINT    NOT NULL,
    priority     INTEGER     NOT NULL,
    spec         JSONB       NOT NULL,          -- paymesh.channel.v1.RoutingRuleSpec as proto JSON
    version      BIGINT      NOT NULL DEFAULT 1,
    create_time  TIMESTAMPTZ NOT NULL DEFAULT now(),
    update_time  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE error_code_mappings (
    channel_id    TEXT        NOT NULL REFERENCES channels (channel_id),
    channel_code  TEXT        NOT NULL,
    result_code   SMALLINT    NOT NULL,
    retryable     BOOLEAN     NOT NULL,
    description   TEXT        NOT NULL DEFAULT '',
    update_time   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (channel_id, channel_code)
);

-- One row per caller instruction: the natural idempotency key of Submit*.
CREATE TABLE instructions (
    instruction_id  TEXT        PRIMARY KEY,
    request_hash    BYTEA       NOT NULL,
    type            SMALLINT    NOT NULL,
    request         JSONB       NOT NULL,       -- the submit request (tickets only, never card data)
    max_attempts    SMALLINT    NOT NULL CHECK (max_attempts BETWEEN 1 AND 10),
    create_time     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE inst_orders (
    inst_order_id           TEXT        PRIMARY KEY,
    instruction_id          TEXT        NOT NULL REFERENCES instructions (instruction_id),
    attempt                 SMALLINT    NOT NULL CHECK (attempt >= 1),
    type                    SMALLINT    NOT NULL,
    state                   SMALLINT    NOT NULL,
    channel_id              TEXT        NOT NULL,
    order_id                TEXT        NOT NULL DEFAULT '',
    payment_id              TEXT        NOT NULL DEFAULT '',
    refund_id               TEXT        NOT NULL DEFAULT '',
    merchant_id             TEXT        NOT NULL DEFAULT '',
    member_id               TEXT        NOT NULL DEFAULT '',
    method                  SMALLINT    NOT NULL,
    verification_method     SMALLINT    NOT NULL DEFAULT 0,
    currency_code           CHAR(3)     NOT NULL,
    amount_minor            BIGINT      NOT NULL CHECK (amount_minor > 0),
    settled_amount_minor    BIGINT,
    fee_minor               BIGINT      NOT NULL DEFAULT 0 CHECK (fee_minor >= 0),
    original_inst_order_id  TEXT        NOT NULL DEFAULT '',
    channel_reference       TEXT        NOT NULL DEFAULT '',
    channel_result_code     TEXT        NOT NULL DEFAULT '',
    channel_result_message  TEXT        NOT NULL DEFAULT '',
    result_code             SMALLINT    NOT NULL DEFAULT 0,
    retryable               BOOLEAN     NOT NULL DEFAULT false,
    required_action         JSONB,
    routing_rule_id         TEXT        NOT NULL DEFAULT '',
    superseded_by           TEXT        NOT NULL DEFAULT '',
    quota_reserved_date     DATE,                 -- set while the amount counts against the daily quota
    query_count             INTEGER     NOT NULL DEFAULT 0,
    next_query_time         TIMESTAMPTZ,
    context_id              TEXT        NOT NULL DEFAULT '',
    version                 BIGINT      NOT NULL DEFAULT 1,
    create_time             TIMESTAMPTZ NOT NULL DEFAULT now(),
    send_time               TIMESTAMPTZ,
    finish_time             TIMESTAMPTZ,
    update_time             TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (instruction_id, attempt)           -- one order per attempt, ever
);
CREATE INDEX inst_orders_dispatch ON inst_orders (create_time) WHERE state = 1;
CREATE INDEX inst_orders_due ON inst_orders (next_query_time) WHERE next_query_time IS NOT NULL;
CREATE INDEX inst_orders_payment ON inst_orders (payment_id) WHERE payment_id <> '';
CREATE INDEX inst_orders_order ON inst_orders (order_id) WHERE order_id <> '';
CREATE INDEX inst_orders_original ON inst_orders (original_inst_order_id) WHERE original_inst_order_id <> '';
CREATE INDEX inst_orders_context ON inst_orders (context_id);

CREATE TABLE channel_notifications (
    channel_id       TEXT        NOT NULL,
    notification_id  TEXT        NOT NULL,
    inst_order_id    TEXT        NOT NULL,
    result           SMALLINT    NOT NULL,
    receive_time     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (channel_id, notification_id)
);

CREATE TABLE channel_quota_usage (
    channel_id     TEXT    NOT NULL,
    currency_code  CHAR(3) NOT NULL,
    usage_date     DATE    NOT NULL,
    used_minor     BIGINT  NOT NULL CHECK (used_minor >= 0),
    PRIMARY KEY (channel_id, currency_code, usage_date)
);
