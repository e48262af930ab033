-- UFS: clients with their buckets, standalone files, share files, STS grants, and the
-- garbage list of objects to delete (upload leases, replaced and reaped objects).
CREATE TABLE clients (
    client_id             TEXT        PRIMARY KEY,
    display_name          TEXT        NOT NULL DEFAULT '',
    state                 SMALLINT    NOT NULL,
    password_hash         TEXT        NOT NULL,          -- scrypt$n$r$p$salt$digest, never the password
    default_bucket_alias  TEXT        NOT NULL DEFAULT '',
    password_update_time  TIMESTAMPTZ NOT NULL DEFAULT now(),
    create_time           TIMESTAMPTZ NOT NULL DEFAULT now(),
    update_time           TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE bucket_bindings (
    client_id     TEXT        NOT NULL REFERENCES clients,
    bucket_alias  TEXT        NOT NULL,
    bucket_name   TEXT        NOT NULL UNIQUE,              -- a bucket belongs to exactly one client
    bind_time     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (client_id, bucket_alias)
);

CREATE TABLE files (
    bucket_name     TEXT        NOT NULL,
    oss_path        TEXT        NOT NULL,
    object_key      TEXT        NOT NULL,
    file_name       TEXT        NOT NULL,
    content_type    TEXT        NOT NULL,
    size_bytes      BIGINT      NOT NULL CHECK (size_bytes >= 0),
    content_sha256  TEXT        NOT NULL,
    metadata        JSONB       NOT NULL DEFAULT '{}',
    encrypted       BOOLEAN     NOT NULL DEFAULT false,
    wrapped_key     BYTEA       NOT NULL DEFAULT '',
    create_time     TIMESTAMPTZ NOT NULL DEFAULT now(),
    update_time     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (bucket_name, oss_path)                     -- the forbid-overwrite arbiter
);

CREATE TABLE share_files (
    file_tag           TEXT        PRIMARY KEY CHECK (file_tag ~ '^[0-9a-f]{32}$'),
    owner_client_id    TEXT        NOT NULL,
    object_key         TEXT        NOT NULL,
    file_name          TEXT        NOT NULL,
    content_type       TEXT        NOT NULL,
    size_bytes         BIGINT      NOT NULL CHECK (size_bytes >= 0),
    content_sha256     TEXT        NOT NULL,
    metadata           JSONB       NOT NULL DEFAULT '{}',
    encrypted          BOOLEAN     NOT NULL DEFAULT false,
    wrapped_key        BYTEA       NOT NULL DEFAULT '',
    expire_time        TIMESTAMPTZ,
    adopted            BOOLEAN     NOT NULL DEFAULT false,
    adopter_client_id  TEXT        NOT NULL DEFAULT '',
    adopt_time         TIMESTAMPTZ,
    create_time        TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (NOT adopted OR expire_time IS NULL)
);
CREATE INDEX share_files_expiring ON share_files (expire_time) WHERE NOT adopted AND expire_time IS NOT NULL;

CREATE TABLE sts_tokens (
    token_sha256  BYTEA       PRIMARY KEY,                  -- the token itself is never stored
    client_id     TEXT        NOT NULL,
    target_kind   SMALLINT    NOT NULL,
    bucket_alias  TEXT        NOT NULL DEFAULT '',
    bucket_name   TEXT        NOT NULL DEFAULT '',
    oss_path      TEXT        NOT NULL DEFAULT '',
    file_tag      TEXT        NOT NULL DEFAULT '',
    create_time   TIMESTAMPTZ NOT NULL DEFAULT now(),
    expire_time   TIMESTAMPTZ NOT NULL,
    revoke_time   TIMESTAMPTZ
);
CREATE INDEX sts_tokens_expire ON sts_tokens (expire_time);

CREATE TABLE object_gc (
    bucket_name  TEXT        NOT NULL,
    object_key   TEXT        NOT NULL,
    not_before   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (bucket_name, object_key)
);
CREATE INDEX object_gc_due ON object_gc (not_before);
