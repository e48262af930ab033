-- Card expiry, kept with the saved card (not sensitive on its own; 0 = not given). Card payments
-- pass it to payment with the card's UES ticket, BIN and last 4 digits.
ALTER TABLE saved_cards ADD COLUMN expiry_month SMALLINT NOT NULL DEFAULT 0,
                        ADD COLUMN expiry_year  SMALLINT NOT NULL DEFAULT 0;
