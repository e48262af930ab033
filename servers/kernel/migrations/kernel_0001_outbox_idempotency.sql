-- Kernel tables, created in every service schema that uses the database.

-- Idempotency (AIP-155): the response is stored in the same transaction as the effect.
CREATE TABLE idempotency_keys (
    request_id    TEXT        NOT NULL,
    method        TEXT        NOT NULL,
    request_hash  BYTEA       NOT NULL,
    response      BYTEA,
    context_id    TEXT        NOT NULL DEFAULT '',
    create_time   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (method, request_id)
);

-- Transactional outbox: events written with the state change, relayed to Redis Streams.
CREATE TABLE outbox (
    seq           BIGSERIAL   PRIMARY KEY,
    event_id      TEXT        NOT NULL UNIQUE,
    topic         TEXT        NOT NULL,
    event_type    TEXT        NOT NULL,
    payload       JSONB       NOT NULL,
    context_id    TEXT        NOT NULL DEFAULT '',
    trace_parent  TEXT        NOT NULL DEFAULT '',
    create_time   TIMESTAMPTZ NOT NULL DEFAULT now(),
    publish_time  TIMESTAMPTZ
);
CREATE INDEX outbox_unpublished ON outbox (seq) WHERE publish_time IS NULL;

-- Idempotent consumers: an event's effect and its id commit together.
CREATE TABLE processed_events (
    consumer      TEXT        NOT NULL,
    event_id      TEXT        NOT NULL,
    context_id    TEXT        NOT NULL DEFAULT '',
    process_time  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
