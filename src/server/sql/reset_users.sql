-- Puts users back to the seeded 1000 rows (scenario 04 and the /users write
-- endpoints add, change and delete rows): the seeded rows come from
-- benchlab_users_seed, the sequence continues at 1001.
BEGIN;
TRUNCATE users RESTART IDENTITY;
INSERT INTO users (id, name, email, created_at)
SELECT id, name, email, created_at FROM benchlab_users_seed ORDER BY id;
SELECT setval('users_id_seq', GREATEST((SELECT max(id) FROM users), 1));
COMMIT;
