-- Signed merchant webhooks. Secrets are never stored: a merchant's secret is derived as
-- HMAC-SHA256(master key, "webhook:<merchant>:<version>"); this table keeps only the version
-- (a rotation bumps it). The master key lives outside the database (setting or key file).
CREATE TABLE webhook_secrets (
    merchant_id  TEXT        PRIMARY KEY,
    version      INTEGER     NOT NULL DEFAULT 1,
    create_time  TIMESTAMPTZ NOT NULL DEFAULT now(),
    rotate_time  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Delivery log: one row per (order event, notify_url), written in the same transaction as the
-- outbox event. The body is fixed at enqueue time (stable event_id and bytes on every attempt).
CREATE TABLE webhook_deliveries (
    delivery_id       TEXT        PRIMARY KEY,
    event_id          TEXT        NOT NULL UNIQUE,
    event_type        TEXT        NOT NULL,
    order_id          TEXT        NOT NULL,
    merchant_id       TEXT        NOT NULL,
    url               TEXT        NOT NULL,
    body              TEXT        NOT NULL,
    state             TEXT        NOT NULL CHECK (state IN ('PENDING', 'DELIVERED', 'FAILED')),
    attempts          INTEGER     NOT NULL DEFAULT 0,
    max_attempts      INTEGER     NOT NULL,
    last_status_code  INTEGER     NOT NULL DEFAULT 0,
    last_error        TEXT        NOT NULL DEFAULT '',
    next_attempt_time TIMESTAMPTZ NOT NULL DEFAULT now(),
    queued_time       TIMESTAMPTZ NOT NULL DEFAULT now(),  -- max age counts from here (reset by a resend)
    delivered_time    TIMESTAMPTZ,
    create_time       TIMESTAMPTZ NOT NULL DEFAULT now(),
    update_time       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_time) WHERE state = 'PENDING';
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (order_id, create_time DESC, delivery_id DESC);
CREATE INDEX webhook_deliveries_merchant ON webhook_deliveries (merchant_id, create_time DESC, delivery_id DESC);
