-- After the event: outcomes feeding ratings, review resolutions, and the columns the rule-hit
-- report and backtests filter and sum on.
ALTER TABLE decisions
    ADD COLUMN currency_code      TEXT     NOT NULL DEFAULT '',
    ADD COLUMN amount_minor       BIGINT   NOT NULL DEFAULT 0,
    ADD COLUMN outcome            SMALLINT NOT NULL DEFAULT 0,   -- latest Outcome reported, 0 if none
    ADD COLUMN review_resolution  SMALLINT NOT NULL DEFAULT 0;   -- ReviewResolution of a REVIEW, 0 if pending
CREATE INDEX decisions_review ON decisions (create_time) WHERE decision = 4 AND review_resolution = 0;

CREATE TABLE outcomes (
    outcome_id   TEXT        PRIMARY KEY,
    decision_id  TEXT        NOT NULL REFERENCES decisions (decision_id),
    order_id     TEXT        NOT NULL,
    outcome      SMALLINT    NOT NULL,
    detail       TEXT        NOT NULL DEFAULT '',
    create_time  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX outcomes_decision ON outcomes (decision_id, create_time DESC);
