-- Scenario 20 (end-to-end flow): accounts that log in with a password
-- (bcrypt) and their posts, read as a feed and written (docs/scenarios.md,
-- "20 end-to-end flow"). Separate from users/posts so no other scenario's
-- reset touches them. Run after schema.sql; idempotent (version 20 in
-- benchlab_seed). reset_account_posts.sql removes what the flow wrote.
CREATE TABLE IF NOT EXISTS accounts (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL,
    email varchar(255) NOT NULL UNIQUE,
    password_hash varchar(100) NOT NULL,
    created_at timestamp NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS account_posts (
    id serial PRIMARY KEY,
    account_id int NOT NULL REFERENCES accounts (id),
    title varchar(200) NOT NULL,
    body text NOT NULL,
    created_at timestamp NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS account_posts_account_id_idx ON account_posts (account_id, id);

BEGIN;
LOCK TABLE benchlab_seed IN EXCLUSIVE MODE;
DO $seed$
BEGIN
    IF EXISTS (SELECT 1 FROM benchlab_seed WHERE version = 20) THEN
        RETURN;
    END IF;
    -- 1,000 accounts, account N is 'accountN@example.com' with the password
    -- 'benchlab-password'. One bcrypt hash of cost 6 for all (verifying it
    -- costs a few ms here; its cost, not the code, sets what a login pays).
    INSERT INTO accounts (id, name, email, password_hash, created_at)
    SELECT n, 'Account ' || n, 'account' || n || '@example.com',
           '$2b$06$ugyterrsdJD0Is7omUDgc.95JL9qZUCwb8zP.omoZu78LSZjRryAe',
           timestamp '2026-01-01' + n * interval '1 minute'
    FROM generate_series(1, 1000) AS n;
    -- 20 posts per account, ids 1..20000.
    INSERT INTO account_posts (id, account_id, title, body, created_at)
    SELECT (a - 1) * 20 + k, a, 'Post ' || k || ' of account ' || a,
           'Body of post ' || k || ' of account ' || a || '.',
           timestamp '2026-01-01' + ((a - 1) * 20 + k) * interval '1 second'
    FROM generate_series(1, 1000) AS a CROSS JOIN generate_series(1, 20) AS k;
    PERFORM setval('accounts_id_seq', 1000);
    PERFORM setval('account_posts_id_seq', 20000);
    INSERT INTO benchlab_seed (version) VALUES (20);
END
$seed$;
COMMIT;
ANALYZE accounts;
ANALYZE account_posts;
