-- Scenario 19 (text search): a corpus of posts with generated text, searched
-- three ways (docs/scenarios.md, "19 text search"):
--   like: body ILIKE '%term%'          (no index can serve it: a full scan)
--   trgm: lower(body) LIKE '%term%'    (pg_trgm GIN index on lower(body))
--   fts:  tsv @@ websearch_to_tsquery  (tsvector column + GIN index)
-- Run after schema.sql and seed.sql. The corpus size is the session setting
-- benchlab.search_posts (benchlab sets it from BENCHLAB_SEARCH_POSTS; default
-- 200000). Idempotent: when search_seed holds a row the corpus is there and
-- this file does nothing (whatever size is asked for the second time).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE IF NOT EXISTS search_posts (
    id serial PRIMARY KEY,
    title varchar(200) NOT NULL,
    body text NOT NULL,
    created_at timestamp NOT NULL,
    tsv tsvector GENERATED ALWAYS AS
        (to_tsvector('english', body)) STORED
);

-- One row once the corpus is complete: its size and how long seeding took.
CREATE TABLE IF NOT EXISTS search_seed (
    posts int NOT NULL,
    seconds double precision NOT NULL,
    seeded_at timestamptz NOT NULL DEFAULT now()
);

BEGIN;
LOCK TABLE search_seed IN EXCLUSIVE MODE;
SET LOCAL synchronous_commit = off;
SET LOCAL maintenance_work_mem = '256MB';
DO $seed$
DECLARE
    n_posts int := coalesce(nullif(current_setting('benchlab.search_posts', true), '')::int,
                            200000);
    t0 timestamptz := clock_timestamp();
    cons constant text := 'bcdfghjklmnpqrstvwxz'; -- 20 consonants
    vow constant text := 'aeiou';
BEGIN
    IF EXISTS (SELECT 1 FROM search_seed) THEN
        RETURN;
    END IF;
    IF n_posts < 1 OR n_posts > 10000000 THEN
        RAISE EXCEPTION 'benchlab.search_posts: % is not in 1..10000000', n_posts;
    END IF;
    PERFORM setseed(0.19);
    -- A vocabulary of 5,000 six-letter words, consonant-vowel three times,
    -- the last vowel a, o or u (the english stemmer leaves such words as they
    -- are: a word is its lexeme, and every word is as long as every other):
    -- word w is the digits of x = w * 7919 mod 600,000 in the bases
    -- 20, 5, 20, 5, 20, 3 (7919 is prime to 600,000, so the words differ).
    TRUNCATE search_posts RESTART IDENTITY;
    -- 6-word titles and 40-word bodies, words uniformly from the vocabulary:
    -- each word is in about 0.8 % of the posts.
    INSERT INTO search_posts (id, title, body, created_at)
    SELECT n,
           (SELECT string_agg(substr(cons, x % 20 + 1, 1) || substr(vow, x / 20 % 5 + 1, 1) ||
                              substr(cons, x / 100 % 20 + 1, 1) || substr(vow, x / 2000 % 5 + 1, 1) ||
                              substr(cons, x / 10000 % 20 + 1, 1) || substr('aou', x / 200000 % 3 + 1, 1), ' ')
            FROM (SELECT floor(random() * 5000)::int * 7919 % 600000 AS x
                  FROM generate_series(1, 6 + 0 * n)) AS w),
           (SELECT string_agg(substr(cons, x % 20 + 1, 1) || substr(vow, x / 20 % 5 + 1, 1) ||
                              substr(cons, x / 100 % 20 + 1, 1) || substr(vow, x / 2000 % 5 + 1, 1) ||
                              substr(cons, x / 10000 % 20 + 1, 1) || substr('aou', x / 200000 % 3 + 1, 1), ' ')
            FROM (SELECT floor(random() * 5000)::int * 7919 % 600000 AS x
                  FROM generate_series(1, 40 + 0 * n)) AS w),
           timestamp '2026-01-01' + n * interval '1 minute'
    FROM generate_series(1, n_posts) AS n;
    PERFORM setval('search_posts_id_seq', n_posts);
    CREATE INDEX IF NOT EXISTS search_posts_body_trgm
        ON search_posts USING gin (lower(body) gin_trgm_ops);
    CREATE INDEX IF NOT EXISTS search_posts_tsv ON search_posts USING gin (tsv);
    INSERT INTO search_seed (posts, seconds)
    VALUES (n_posts, extract(epoch FROM clock_timestamp() - t0));
END
$seed$;
COMMIT;
ANALYZE search_posts;
