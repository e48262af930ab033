-- The janitor looks for review decisions recorded but not carried out (refund_store.WAITING_SQL):
-- a tiny partial index instead of a scan of every payment each round.
CREATE INDEX payments_review_resolved ON payments (payment_id) WHERE state = 6 AND review_resolution <> '';
CREATE INDEX payments_withdraw_processing ON payments (update_time) WHERE kind = 3 AND state = 2;
