-- Edge gateway: merchant API keys and rate limits. A key's secret is never stored in
-- plaintext: `fingerprint` (SHA-256) identifies it, `sealed_secret` is the HMAC key sealed
-- with AES-256-GCM under the gateway KEK (key file / KMS, never in the database).
CREATE TABLE api_keys (
    key_id          TEXT        PRIMARY KEY,
    merchant_id     TEXT        NOT NULL,
    scopes          TEXT[]      NOT NULL,
    state           SMALLINT    NOT NULL,           -- paymesh.gateway.v1.ApiKeyState
    fingerprint     TEXT        NOT NULL UNIQUE,
    sealed_secret   BYTEA       NOT NULL,
    description     TEXT        NOT NULL DEFAULT '',
    rotated_from    TEXT        NOT NULL DEFAULT '',
    request_id      TEXT        UNIQUE,             -- idempotency of create / rotate
    create_time     TIMESTAMPTZ NOT NULL DEFAULT now(),
    expire_time     TIMESTAMPTZ,
    revoke_time     TIMESTAMPTZ
);
CREATE INDEX api_keys_merchant ON api_keys (merchant_id, create_time DESC);

CREATE TABLE rate_limits (
    merchant_id          TEXT             NOT NULL,   -- or '*'
    route                TEXT             NOT NULL,   -- scope, full method or '*'
    requests_per_second  DOUBLE PRECISION NOT NULL,
    burst                INTEGER          NOT NULL,
    update_time          TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (merchant_id, route)
);
