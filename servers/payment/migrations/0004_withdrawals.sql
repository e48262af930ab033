-- Withdrawals: the bank account they pay out to, as a UES ticket (never an IBAN). A
-- withdrawal's PROCESSING instruction keeps its ledger hold in ledger_transfer_ids.
ALTER TABLE payments
    ADD COLUMN bank_account_ticket  TEXT NOT NULL DEFAULT '';
