-- Daily call counts flushed from the Redis counters (absolute values, so a flush is an upsert
-- and repeating it is harmless); kept after the Redis hashes expire, for billing.
CREATE TABLE usage_daily (
    day          DATE    NOT NULL,
    merchant_id  TEXT    NOT NULL,
    api          TEXT    NOT NULL,
    calls        BIGINT  NOT NULL,
    throttled    BIGINT  NOT NULL,
    PRIMARY KEY (day, merchant_id, api)
);
CREATE INDEX usage_daily_merchant ON usage_daily (merchant_id, day);
