-- Risk control: versioned rules, lists, recorded decisions, challenges, single-use tickets,
-- subjects first seen, and ratings.
CREATE TABLE rule_set (
    id       SMALLINT PRIMARY KEY CHECK (id = 1),
    version  BIGINT   NOT NULL           -- bumped by every rule or list change: the cache key
);
INSERT INTO rule_set VALUES (1, 1);

CREATE TABLE rules (
    rule_id      TEXT        PRIMARY KEY,
    name         TEXT        NOT NULL UNIQUE,
    version      BIGINT      NOT NULL,
    state        SMALLINT    NOT NULL,
    type         SMALLINT    NOT NULL,
    priority     INTEGER     NOT NULL,
    create_time  TIMESTAMPTZ NOT NULL DEFAULT now(),
    update_time  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE rule_versions (
    rule_id      TEXT        NOT NULL REFERENCES rules (rule_id),
    version      BIGINT      NOT NULL,
    state        SMALLINT    NOT NULL,
    spec         BYTEA       NOT NULL,   -- paymesh.risk.v1.RuleSpec
    updated_by   TEXT        NOT NULL DEFAULT '',
    create_time  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (rule_id, version)
);

CREATE TABLE lists (
    list_id      TEXT        PRIMARY KEY,
    name         TEXT        NOT NULL UNIQUE,
    type         SMALLINT    NOT NULL,
    dimension    SMALLINT    NOT NULL,
    description  TEXT        NOT NULL DEFAULT '',
    create_time  TIMESTAMPTZ NOT NULL DEFAULT now(),
    update_time  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE list_entries (
    list_id      TEXT        NOT NULL REFERENCES lists (list_id),
    value        TEXT        NOT NULL,
    reason       TEXT        NOT NULL DEFAULT '',
    expire_time  TIMESTAMPTZ,
    create_time  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (list_id, value)
);

CREATE TABLE decisions (
    decision_id  TEXT        PRIMARY KEY,
    request_id   TEXT        NOT NULL UNIQUE,
    order_id     TEXT        NOT NULL,
    member_id    TEXT        NOT NULL,
    merchant_id  TEXT        NOT NULL,
    decision     SMALLINT    NOT NULL,
    score        INTEGER     NOT NULL,
    rule_ids     TEXT[]      NOT NULL,
    body         BYTEA       NOT NULL,   -- paymesh.risk.v1.RiskDecision as recorded
    create_time  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX decisions_time ON decisions (create_time DESC, decision_id DESC);
CREATE INDEX decisions_order ON decisions (order_id, create_time DESC);

CREATE TABLE challenges (
    challenge_id        TEXT        PRIMARY KEY,
    decision_id         TEXT        NOT NULL REFERENCES decisions (decision_id),
    allowed_types       SMALLINT[]  NOT NULL,
    state               SMALLINT    NOT NULL,
    attempts_remaining  INTEGER     NOT NULL,
    expire_time         TIMESTAMPTZ NOT NULL,
    ticket_id           TEXT        NOT NULL DEFAULT '',
    verify_request_id   TEXT        NOT NULL DEFAULT ''
);

CREATE TABLE tickets (
    ticket_id           TEXT        PRIMARY KEY,
    decision_id         TEXT        NOT NULL REFERENCES decisions (decision_id),
    order_id            TEXT        NOT NULL,
    member_id           TEXT        NOT NULL,
    merchant_id         TEXT        NOT NULL,
    currency_code       CHAR(3)     NOT NULL,
    amount_minor        BIGINT      NOT NULL,
    verification        SMALLINT    NOT NULL,
    state               SMALLINT    NOT NULL,
    issue_time          TIMESTAMPTZ NOT NULL DEFAULT now(),
    expire_time         TIMESTAMPTZ NOT NULL,
    redeem_time         TIMESTAMPTZ,
    redeem_request_id   TEXT        NOT NULL DEFAULT '',
    payment_id          TEXT        NOT NULL DEFAULT ''
);

CREATE TABLE subjects_seen (
    kind        TEXT        NOT NULL,   -- member | card
    value       TEXT        NOT NULL,
    first_seen  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, value)
);

CREATE TABLE ratings (
    subject_type      SMALLINT    NOT NULL,
    subject_id        TEXT        NOT NULL,
    level             SMALLINT    NOT NULL,
    success_count     BIGINT      NOT NULL DEFAULT 0,
    fraud_count       BIGINT      NOT NULL DEFAULT 0,
    chargeback_count  BIGINT      NOT NULL DEFAULT 0,
    manual_override   BOOLEAN     NOT NULL DEFAULT false,
    update_time       TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (subject_type, subject_id)
);
