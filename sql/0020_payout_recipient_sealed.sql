-- Payout recipient account numbers are secrets: stored sealed (AES-256-GCM with the secret key, as
-- tokens and sessions are: `v1.<iv>.<tag>.<ciphertext>`) and shown masked from recipient_masked
-- (`****1234`). A sealed value is longer than the 255 characters of the plain one. Rows written
-- before this migration are sealed by the next payout worker that starts.
alter table payouts drop constraint payouts_recipient_check;
alter table payouts add constraint payouts_recipient_check check (char_length(btrim(recipient)) between 1 and 2000);
alter table payouts add column recipient_masked text;
-- The rows still plain, for the worker's sealing pass: empty once every row is sealed.
create index payouts_plain_recipient_idx on payouts (seq) where recipient !~ '^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.';
