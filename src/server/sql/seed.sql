-- Seeds the contract's data set once (run schema.sql first).
-- Idempotent: the whole seed is one transaction that records version 1 in
-- benchlab_seed; when that row exists it does nothing. Set-based
-- (generate_series), explicit ids 1..N so id N is 'userN@example.com'.
-- setseed makes the random values (statuses, counts, posts per author, uuids)
-- the same on every machine; timestamps are relative to now().
BEGIN;
-- Two seeders at once: the second waits here, then sees version 1 and stops.
LOCK TABLE benchlab_seed IN EXCLUSIVE MODE;
SET LOCAL synchronous_commit = off;
SET LOCAL maintenance_work_mem = '128MB';
DO $seed$
BEGIN
    IF EXISTS (SELECT 1 FROM benchlab_seed WHERE version = 1) THEN
        RETURN;
    END IF;
    PERFORM setseed(0.42);

    INSERT INTO users (id, name, email, created_at)
    SELECT n, 'User ' || n, 'user' || n || '@example.com',
           now() - random() * interval '30 days'
    FROM generate_series(1, 1000) AS n;
    INSERT INTO benchlab_users_seed SELECT id, name, email, created_at FROM users;

    INSERT INTO users_pagination (id, name, email, created_at)
    SELECT n, 'User ' || n, 'user' || n || '@example.com',
           now() - random() * interval '30 days'
    FROM generate_series(1, 100000) AS n;

    INSERT INTO users_narrow (id, name, email, status, created_at)
    SELECT n, 'User ' || n, 'user' || n || '@example.com',
           CASE WHEN random() < 0.5 THEN 'active' ELSE 'inactive' END,
           now() - random() * interval '30 days'
    FROM generate_series(1, 100000) AS n;

    INSERT INTO users_wide (id, name, email, status, created_at, phone, address, city,
                            country, postal_code, birth_date, gender, occupation, company,
                            website, bio, avatar_url, last_login, login_count, preferences)
    SELECT n, 'User ' || n, 'user' || n || '@example.com',
           CASE WHEN random() < 0.5 THEN 'active' ELSE 'inactive' END,
           now() - random() * interval '30 days',
           '010-' || lpad((n % 10000)::text, 4, '0') || '-' || lpad((n % 9973)::text, 4, '0'),
           n || ' Main Street',
           'City ' || (n % 100),
           'Country' || (n % 50),
           lpad((n % 100000)::text, 5, '0'),
           date '1950-01-01' + (random() * 20000)::int,
           (ARRAY['male', 'female', 'other'])[1 + n % 3],
           'Occupation ' || (n % 20),
           'Company ' || (n % 500),
           'https://example.com/users/' || n,
           'Bio of user ' || n || '. Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt.',
           'https://example.com/avatars/' || n || '.png',
           now() - random() * interval '30 days',
           floor(random() * 1001)::int,
           jsonb_build_object('theme', CASE WHEN random() < 0.5 THEN 'dark' ELSE 'light' END,
                              'lang', 'ko')
    FROM generate_series(1, 100000) AS n;

    INSERT INTO users_extra_wide (id, name, email, field_01, field_02, field_03, field_04, field_05, field_06, field_07, field_08, field_09, field_10, field_11, field_12, field_13, field_14, field_15, field_16, field_17, field_18, field_19, field_20, field_21, field_22, field_23, field_24, field_25, field_26, field_27, field_28, field_29, field_30, field_31, field_32, field_33, field_34, field_35, field_36, field_37, field_38, field_39, field_40, field_41, field_42, field_43, field_44, field_45, created_at)
    SELECT n, 'User ' || n, 'user' || n || '@example.com',
        'val_01_' || n,
        'val_02_' || n,
        'val_03_' || n,
        'val_04_' || n,
        'val_05_' || n,
        'val_06_' || n,
        'val_07_' || n,
        'val_08_' || n,
        'val_09_' || n,
        'val_10_' || n,
        'val_11_' || n,
        'val_12_' || n,
        'val_13_' || n,
        'val_14_' || n,
        'val_15_' || n,
        'val_16_' || n,
        'val_17_' || n,
        'val_18_' || n,
        'val_19_' || n,
        'val_20_' || n,
        'val_21_' || n,
        'val_22_' || n,
        'val_23_' || n,
        'val_24_' || n,
        'val_25_' || n,
        'val_26_' || n,
        'val_27_' || n,
        'val_28_' || n,
        'val_29_' || n,
        'val_30_' || n,
        'val_31_' || n,
        'val_32_' || n,
        'val_33_' || n,
        'val_34_' || n,
        'val_35_' || n,
        'val_36_' || n,
        'val_37_' || n,
        'val_38_' || n,
        'val_39_' || n,
        'val_40_' || n,
        'val_41_' || n,
        'val_42_' || n,
        'val_43_' || n,
        'val_44_' || n,
        'val_45_' || n,
        now() - random() * interval '30 days'
    FROM generate_series(1, 100000) AS n;

    INSERT INTO users_type_int (id, name, email, col_01, col_02, col_03, col_04, col_05)
    SELECT n, 'User ' || n, 'user' || n || '@example.com',
        floor(random() * 1000001)::int,
        floor(random() * 1000001)::int,
        floor(random() * 1000001)::int,
        floor(random() * 1000001)::int,
        floor(random() * 1000001)::int
    FROM generate_series(1, 100000) AS n;

    INSERT INTO users_type_varchar (id, name, email, col_01, col_02, col_03, col_04, col_05)
    SELECT n, 'User ' || n, 'user' || n || '@example.com',
        'varchar_value_01_' || n,
        'varchar_value_02_' || n,
        'varchar_value_03_' || n,
        'varchar_value_04_' || n,
        'varchar_value_05_' || n
    FROM generate_series(1, 100000) AS n;

    INSERT INTO users_type_text (id, name, email, col_01, col_02, col_03, col_04, col_05)
    SELECT n, 'User ' || n, 'user' || n || '@example.com',
        'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ' || n,
        'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ' || n,
        'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ' || n,
        'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ' || n,
        'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ' || n
    FROM generate_series(1, 100000) AS n;

    INSERT INTO users_type_jsonb (id, name, email, col_01, col_02, col_03, col_04, col_05)
    SELECT n, 'User ' || n, 'user' || n || '@example.com',
        jsonb_build_object('id', n, 'type', 'col01', 'data', jsonb_build_object('nested', 'value')),
        jsonb_build_object('id', n, 'type', 'col02', 'data', jsonb_build_object('nested', 'value')),
        jsonb_build_object('id', n, 'type', 'col03', 'data', jsonb_build_object('nested', 'value')),
        jsonb_build_object('id', n, 'type', 'col04', 'data', jsonb_build_object('nested', 'value')),
        jsonb_build_object('id', n, 'type', 'col05', 'data', jsonb_build_object('nested', 'value'))
    FROM generate_series(1, 100000) AS n;

    INSERT INTO users_type_timestamp (id, name, email, col_01, col_02, col_03, col_04, col_05)
    SELECT n, 'User ' || n, 'user' || n || '@example.com',
        now() - random() * interval '365 days',
        now() - random() * interval '365 days',
        now() - random() * interval '365 days',
        now() - random() * interval '365 days',
        now() - random() * interval '365 days'
    FROM generate_series(1, 100000) AS n;

    INSERT INTO users_type_uuid (id, name, email, col_01, col_02, col_03, col_04, col_05)
    SELECT n, 'User ' || n, 'user' || n || '@example.com',
        md5(random()::text || n)::uuid,
        md5(random()::text || n)::uuid,
        md5(random()::text || n)::uuid,
        md5(random()::text || n)::uuid,
        md5(random()::text || n)::uuid
    FROM generate_series(1, 100000) AS n;

    INSERT INTO authors (id, name, email, bio, created_at)
    SELECT n, 'Author ' || n, 'author' || n || '@example.com',
           'Bio of author ' || n || '. Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt.',
           now() - random() * interval '30 days'
    FROM generate_series(1, 1000) AS n;

    -- 5..15 posts per author (about 10,000 in all).
    INSERT INTO posts (author_id, title, content, view_count, created_at)
    SELECT a.id, 'Post ' || k || ' by author ' || a.id,
           'Content of post ' || k || ' by author ' || a.id || '. Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt.',
           floor(random() * 10001)::int,
           now() - random() * interval '30 days'
    FROM (SELECT id, 5 + floor(random() * 11)::int AS n_posts FROM authors ORDER BY id) AS a
    CROSS JOIN LATERAL generate_series(1, a.n_posts) AS k
    ORDER BY a.id, k;

    INSERT INTO products (id, name, stock, version, updated_at)
    SELECT n, 'Product ' || n, 1000, 0, now()
    FROM generate_series(1, 10) AS n;

    -- Explicit ids leave the sequences behind: the next insert must get N+1.
    PERFORM setval('users_id_seq', 1000);
    PERFORM setval('users_pagination_id_seq', 100000);
    PERFORM setval('users_narrow_id_seq', 100000);
    PERFORM setval('users_wide_id_seq', 100000);
    PERFORM setval('users_extra_wide_id_seq', 100000);
    PERFORM setval('users_type_int_id_seq', 100000);
    PERFORM setval('users_type_varchar_id_seq', 100000);
    PERFORM setval('users_type_text_id_seq', 100000);
    PERFORM setval('users_type_jsonb_id_seq', 100000);
    PERFORM setval('users_type_timestamp_id_seq', 100000);
    PERFORM setval('users_type_uuid_id_seq', 100000);
    PERFORM setval('authors_id_seq', 1000);
    PERFORM setval('products_id_seq', 10);

    INSERT INTO benchlab_seed (version) VALUES (1);
END
$seed$;
COMMIT;
-- Planner statistics for the fresh tables (cheap when nothing changed).
ANALYZE;
