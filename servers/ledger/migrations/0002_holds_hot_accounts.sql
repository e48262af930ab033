-- Holds (two-phase transfers), reversals, hot accounts (buffered deltas) and history lookups.

ALTER TABLE accounts ADD COLUMN hot BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE accounts ADD COLUMN update_time TIMESTAMPTZ NOT NULL DEFAULT now();

ALTER TABLE transfers ADD COLUMN pending BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE transfers ADD COLUMN posted_amount_minor BIGINT NOT NULL DEFAULT 0 CHECK (posted_amount_minor >= 0);
ALTER TABLE transfers ADD COLUMN timeout_time TIMESTAMPTZ;
ALTER TABLE transfers ADD COLUMN resolve_time TIMESTAMPTZ;
UPDATE transfers SET pending = (state = 1), posted_amount_minor = CASE WHEN state = 2 THEN amount_minor ELSE 0 END;
-- The shape of a transfer's lifecycle, enforced by the database as well as the code:
-- a posted transfer books at most its amount; pending/voided/expired ones book nothing;
-- only holds are ever pending, voided or expired.
ALTER TABLE transfers ADD CONSTRAINT transfers_lifecycle CHECK (
    (state = 2 AND posted_amount_minor BETWEEN 1 AND amount_minor AND (pending OR posted_amount_minor = amount_minor))
    OR (state IN (1, 3, 4) AND pending AND posted_amount_minor = 0));
CREATE INDEX transfers_refund ON transfers (refund_id) WHERE refund_id <> '';
CREATE INDEX transfers_settlement ON transfers (settlement_batch_id) WHERE settlement_batch_id <> '';
CREATE INDEX transfers_reverses ON transfers (reverses_transfer_id) WHERE reverses_transfer_id <> '';
-- The expiry worker's queue: only unresolved holds with a timeout.
CREATE INDEX transfers_expiring ON transfers (timeout_time) WHERE state = 1 AND timeout_time IS NOT NULL;
CREATE INDEX entries_account_time ON entries (account_id, create_time);

-- Buffered balance changes of hot accounts. A posting that no flag can refuse (a credit to
-- an account without credits_must_not_exceed_debits, a debit from one without
-- debits_must_not_exceed_credits) appends a row here under a KEY SHARE lock of the account
-- instead of updating the account row. The roll-up (a worker, and every posting that must
-- lock the account) deletes committed rows and adds them to the account row in one
-- transaction. Balance = account row + Σ its deltas, read in one snapshot.
CREATE TABLE account_deltas (
    delta_id         BIGSERIAL   PRIMARY KEY,
    account_id       TEXT        NOT NULL REFERENCES accounts,
    debits_posted    BIGINT      NOT NULL DEFAULT 0,
    credits_posted   BIGINT      NOT NULL DEFAULT 0,
    debits_pending   BIGINT      NOT NULL DEFAULT 0,
    credits_pending  BIGINT      NOT NULL DEFAULT 0,
    create_time      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX account_deltas_account ON account_deltas (account_id);

-- Posted, voided and expired transfers are immutable, entries are append-only: the database
-- refuses the change even if code tried. Only a pending hold may change, and only once.
CREATE FUNCTION refuse_resolved_transfer_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state <> 1 THEN
        RAISE EXCEPTION 'transfer % is resolved (state %) and immutable', OLD.transfer_id, OLD.state;
    END IF;
    IF NEW.amount_minor <> OLD.amount_minor OR NEW.debit_account_id <> OLD.debit_account_id
       OR NEW.credit_account_id <> OLD.credit_account_id OR NEW.request_id <> OLD.request_id THEN
        RAISE EXCEPTION 'transfer % may only change state', OLD.transfer_id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER transfers_immutable BEFORE UPDATE ON transfers FOR EACH ROW EXECUTE FUNCTION refuse_resolved_transfer_update();

CREATE FUNCTION refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON entries FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
CREATE TRIGGER transfers_no_delete BEFORE DELETE ON transfers FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
