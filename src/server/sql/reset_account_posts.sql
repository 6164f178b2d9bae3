-- Removes the posts scenario 20 wrote: the seeded 20,000 (ids 1..20000,
-- flow.sql) stay, the sequence continues at 20001.
BEGIN;
DELETE FROM account_posts WHERE id > 20000;
SELECT setval('account_posts_id_seq', 20000);
COMMIT;
