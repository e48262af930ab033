-- UES vault. Holds ciphertext and wrapped record keys only: never plaintext, never key material
-- (master keys live in the key file / KMS; key_versions holds their metadata).
CREATE TABLE key_versions (
    key_id          TEXT        PRIMARY KEY,
    purpose         SMALLINT    NOT NULL,           -- paymesh.ues.v1.KeyPurpose
    version         INTEGER     NOT NULL,
    state           SMALLINT    NOT NULL,           -- paymesh.ues.v1.KeyState
    algorithm       TEXT        NOT NULL,
    source          TEXT        NOT NULL,
    public_key_pem  TEXT        NOT NULL DEFAULT '',
    create_time     TIMESTAMPTZ NOT NULL DEFAULT now(),
    activate_time   TIMESTAMPTZ,
    retire_time     TIMESTAMPTZ,
    UNIQUE (purpose, version)
);
-- At most one active version per purpose.
CREATE UNIQUE INDEX key_versions_one_active ON key_versions (purpose) WHERE state = 1;

CREATE TABLE tickets (
    ticket           TEXT        PRIMARY KEY,
    type             SMALLINT    NOT NULL,          -- paymesh.ues.v1.TicketType (never 1: temporary lives in Redis)
    data_type        TEXT        NOT NULL,
    summary          TEXT        NOT NULL DEFAULT '',
    ciphertext       BYTEA       NOT NULL,
    record_key_id    TEXT        NOT NULL,
    wrapped_key      BYTEA       NOT NULL,
    key_id           TEXT        NOT NULL REFERENCES key_versions,
    digest           TEXT,
    digest_key_id    TEXT        REFERENCES key_versions,
    compressed       BOOLEAN     NOT NULL DEFAULT false,
    plain_length     INTEGER     NOT NULL,
    owner_client_id  TEXT        NOT NULL DEFAULT '',
    context_id       TEXT        NOT NULL DEFAULT '',
    create_time      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (type IN (2, 3, 4)),
    CHECK ((digest IS NULL) = (digest_key_id IS NULL))
);
CREATE INDEX tickets_key ON tickets (key_id, ticket);
CREATE INDEX tickets_digest ON tickets (data_type, digest) WHERE digest IS NOT NULL;

CREATE TABLE data_types (
    name                TEXT        PRIMARY KEY,
    pattern             TEXT        NOT NULL,
    description         TEXT        NOT NULL DEFAULT '',
    normalization       SMALLINT    NOT NULL,
    mask_style          SMALLINT    NOT NULL,
    temporary_only      BOOLEAN     NOT NULL,
    always_single_use   BOOLEAN     NOT NULL,
    digest_allowed      BOOLEAN     NOT NULL,
    max_length_chars    INTEGER     NOT NULL CHECK (max_length_chars BETWEEN 0 AND 5000000),
    default_ttl_seconds INTEGER     NOT NULL,
    max_ttl_seconds     INTEGER     NOT NULL,
    update_time         TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE access_policies (
    client_id    TEXT        NOT NULL,
    data_type    TEXT        NOT NULL,
    permissions  SMALLINT[]  NOT NULL,
    update_time  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (client_id, data_type)
);

CREATE TABLE rewrap_jobs (
    job_id          TEXT        PRIMARY KEY,
    state           SMALLINT    NOT NULL,
    purpose         SMALLINT    NOT NULL,
    from_key_ids    TEXT[]      NOT NULL,
    target_key_id   TEXT        NOT NULL REFERENCES key_versions,
    batch_size      INTEGER     NOT NULL,
    total_records   BIGINT      NOT NULL DEFAULT 0,
    done_records    BIGINT      NOT NULL DEFAULT 0,
    failed_records  BIGINT      NOT NULL DEFAULT 0,
    checkpoint      TEXT        NOT NULL DEFAULT '',
    error_message   TEXT        NOT NULL DEFAULT '',
    create_time     TIMESTAMPTZ NOT NULL DEFAULT now(),
    update_time     TIMESTAMPTZ NOT NULL DEFAULT now(),
    finish_time     TIMESTAMPTZ
);
-- At most one unfinished job per purpose.
CREATE UNIQUE INDEX rewrap_jobs_one_running ON rewrap_jobs (purpose) WHERE state IN (1, 2, 3);

-- Who touched which ticket, when, under which context id. Never the plaintext.
CREATE TABLE audit_records (
    audit_id     TEXT        PRIMARY KEY,
    action       SMALLINT    NOT NULL,
    client_id    TEXT        NOT NULL,
    ticket       TEXT        NOT NULL DEFAULT '',
    data_type    TEXT        NOT NULL DEFAULT '',
    context_id   TEXT        NOT NULL DEFAULT '',
    allowed      BOOLEAN     NOT NULL,
    reason       TEXT        NOT NULL DEFAULT '',
    method       TEXT        NOT NULL DEFAULT '',
    create_time  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX audit_ticket ON audit_records (ticket, create_time DESC) WHERE ticket <> '';
CREATE INDEX audit_client ON audit_records (client_id, create_time DESC);
CREATE INDEX audit_context ON audit_records (context_id) WHERE context_id <> '';
CREATE INDEX audit_time ON audit_records (create_time DESC, audit_id DESC);
