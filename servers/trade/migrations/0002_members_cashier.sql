-- Payment attempts of an order (order ↔ payment association), members, saved cards and the
-- local card vault (replaced by UES later: only the CardVault adapter changes).
CREATE TABLE order_payments (
    order_id        TEXT        NOT NULL REFERENCES orders (order_id),
    request_id      TEXT        NOT NULL,
    method          SMALLINT    NOT NULL,
    payment_id      TEXT        NOT NULL DEFAULT '',
    state           TEXT        NOT NULL,
    failure_reason  TEXT        NOT NULL DEFAULT '',
    create_time     TIMESTAMPTZ NOT NULL DEFAULT now(),
    update_time     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, request_id)
);
CREATE INDEX orders_merchant_state ON orders (merchant_id, state, create_time DESC, order_id DESC);

CREATE TABLE members (
    member_id              TEXT        PRIMARY KEY,
    request_id             TEXT        NOT NULL UNIQUE,
    display_name           TEXT        NOT NULL,
    mobile_ticket          TEXT        NOT NULL DEFAULT '',
    payment_password_hash  TEXT        NOT NULL DEFAULT '',  -- scrypt, salted; never the password
    create_time            TIMESTAMPTZ NOT NULL DEFAULT now(),
    update_time            TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE saved_cards (
    card_id         TEXT        PRIMARY KEY,
    member_id       TEXT        NOT NULL,
    request_id      TEXT        NOT NULL,
    card_no_ticket  TEXT        NOT NULL,
    holder_ticket   TEXT        NOT NULL DEFAULT '',
    digest          TEXT        NOT NULL,   -- keyed HMAC of the card number: dedupe without the number
    masked_card_no  TEXT        NOT NULL,
    card_bin        TEXT        NOT NULL,
    card_org        TEXT        NOT NULL,
    create_time     TIMESTAMPTZ NOT NULL DEFAULT now(),
    remove_time     TIMESTAMPTZ,
    UNIQUE (member_id, request_id)
);
CREATE UNIQUE INDEX saved_cards_live_digest ON saved_cards (member_id, digest) WHERE remove_time IS NULL;
CREATE INDEX saved_cards_member ON saved_cards (member_id, card_id) WHERE remove_time IS NULL;

-- Local development vault: tickets → AES-GCM ciphertext. No plaintext, no CVV, ever.
CREATE TABLE vault_entries (
    ticket       TEXT        PRIMARY KEY,
    data_type    TEXT        NOT NULL,
    ciphertext   BYTEA       NOT NULL,
    create_time  TIMESTAMPTZ NOT NULL DEFAULT now()
);
