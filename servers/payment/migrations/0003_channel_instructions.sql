-- Channel instructions: the institution order they became, and the channel's verdict as it
-- arrives by event (the engine books it and moves the instruction on).
ALTER TABLE instructions
    ADD COLUMN inst_order_id   TEXT    NOT NULL DEFAULT '',
    ADD COLUMN channel_id      TEXT    NOT NULL DEFAULT '',
    ADD COLUMN redirect_url    TEXT    NOT NULL DEFAULT '',
    ADD COLUMN channel_result  TEXT    NOT NULL DEFAULT '',
    ADD COLUMN settled_minor   BIGINT  NOT NULL DEFAULT 0;
-- The engine resumes payments whose channel verdict arrived.
CREATE INDEX instructions_waiting ON instructions (payment_id) WHERE state = 5 AND channel_result IN ('SUCCESS', 'FAIL');

-- The card of a card payment, as tickets only (never a PAN), for instructions run after a restart.
ALTER TABLE payments
    ADD COLUMN card        JSONB,
    ADD COLUMN return_url  TEXT NOT NULL DEFAULT '';
