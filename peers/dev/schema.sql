-- A small development copy of the contract's data set, for working on the peers
-- without the lab (peers/dev/stack.sh). The lab creates and seeds the real one
-- (src/server/sql/); the peers only read and write it, with SELECT *, so only the
-- table names and the columns the endpoints name must match.
-- :rows is the row count of the 100,000-row tables (small by default).
CREATE TABLE IF NOT EXISTS users (id serial PRIMARY KEY, name varchar(100), email varchar(255) UNIQUE, created_at timestamp);
CREATE TABLE IF NOT EXISTS users_pagination (id serial PRIMARY KEY, name varchar(100), email varchar(255) UNIQUE, created_at timestamp);
CREATE TABLE IF NOT EXISTS users_narrow (id serial PRIMARY KEY, name varchar(100), email varchar(255) UNIQUE, status varchar(20), created_at timestamp);
CREATE TABLE IF NOT EXISTS users_wide (id serial PRIMARY KEY, name varchar(100), email varchar(255), status varchar(20), created_at timestamp,
  phone varchar(50), address varchar(255), city varchar(100), country varchar(100), postal_code varchar(20), birth_date date,
  gender varchar(20), occupation varchar(100), company varchar(100), website varchar(255), bio text, avatar_url varchar(255),
  last_login timestamp, login_count int, preferences jsonb);
CREATE INDEX IF NOT EXISTS users_wide_country ON users_wide (country);
CREATE INDEX IF NOT EXISTS users_wide_status ON users_wide (status);
CREATE TABLE IF NOT EXISTS users_extra_wide (id serial PRIMARY KEY, name varchar(100), email varchar(255), created_at timestamp);
DO $$ BEGIN FOR i IN 1..45 LOOP
  EXECUTE format('ALTER TABLE users_extra_wide ADD COLUMN IF NOT EXISTS field_%s varchar(100)', lpad(i::text, 2, '0'));
END LOOP; END $$;
CREATE TABLE IF NOT EXISTS users_type_int (id serial PRIMARY KEY, name varchar(100), email varchar(255), col_01 int, col_02 int, col_03 int, col_04 int, col_05 int);
CREATE TABLE IF NOT EXISTS users_type_varchar (id serial PRIMARY KEY, name varchar(100), email varchar(255), col_01 varchar(100), col_02 varchar(100), col_03 varchar(100), col_04 varchar(100), col_05 varchar(100));
CREATE TABLE IF NOT EXISTS users_type_text (id serial PRIMARY KEY, name varchar(100), email varchar(255), col_01 text, col_02 text, col_03 text, col_04 text, col_05 text);
CREATE TABLE IF NOT EXISTS users_type_jsonb (id serial PRIMARY KEY, name varchar(100), email varchar(255), col_01 jsonb, col_02 jsonb, col_03 jsonb, col_04 jsonb, col_05 jsonb);
CREATE TABLE IF NOT EXISTS users_type_timestamp (id serial PRIMARY KEY, name varchar(100), email varchar(255), col_01 timestamp, col_02 timestamp, col_03 timestamp, col_04 timestamp, col_05 timestamp);
CREATE TABLE IF NOT EXISTS users_type_uuid (id serial PRIMARY KEY, name varchar(100), email varchar(255), col_01 uuid, col_02 uuid, col_03 uuid, col_04 uuid, col_05 uuid);
CREATE TABLE IF NOT EXISTS authors (id serial PRIMARY KEY, name varchar(100), email varchar(255) UNIQUE, bio text, created_at timestamp);
CREATE TABLE IF NOT EXISTS posts (id serial PRIMARY KEY, author_id int REFERENCES authors(id), title varchar(200), content text, view_count int, created_at timestamp);
CREATE INDEX IF NOT EXISTS posts_author_id ON posts (author_id);
CREATE TABLE IF NOT EXISTS bulk_items (id serial PRIMARY KEY, name varchar(100), value int DEFAULT 0, created_at timestamp DEFAULT now());
CREATE TABLE IF NOT EXISTS products (id serial PRIMARY KEY, name varchar(100), stock int, version int, updated_at timestamp);

-- Seed only empty tables, so running this twice changes nothing.
INSERT INTO users (name, email, created_at)
  SELECT 'User ' || n, 'user' || n || '@example.com', now() - random() * interval '30 days'
  FROM generate_series(1, 1000) n WHERE NOT EXISTS (SELECT 1 FROM users);
INSERT INTO users_pagination (name, email, created_at)
  SELECT 'User ' || n, 'page' || n || '@example.com', now() - random() * interval '30 days'
  FROM generate_series(1, :rows) n WHERE NOT EXISTS (SELECT 1 FROM users_pagination);
INSERT INTO users_narrow (name, email, status, created_at)
  SELECT 'User ' || n, 'narrow' || n || '@example.com', CASE WHEN random() < 0.5 THEN 'active' ELSE 'inactive' END, now()
  FROM generate_series(1, :rows) n WHERE NOT EXISTS (SELECT 1 FROM users_narrow);
INSERT INTO users_wide (name, email, status, created_at, phone, address, city, country, postal_code, birth_date, gender,
    occupation, company, website, bio, avatar_url, last_login, login_count, preferences)
  SELECT 'User ' || n, 'wide' || n || '@example.com', CASE WHEN random() < 0.5 THEN 'active' ELSE 'inactive' END, now(),
    '010-' || n, n || ' Main St', 'City ' || (n % 100), 'Country' || (n % 50), lpad((n % 100000)::text, 5, '0'),
    date '1970-01-01' + (n % 15000), CASE WHEN n % 2 = 0 THEN 'female' ELSE 'male' END, 'Engineer', 'Company ' || (n % 200),
    'https://example.com/' || n, 'Bio of user ' || n, 'https://example.com/a/' || n || '.png', now() - random() * interval '30 days',
    (random() * 1000)::int, jsonb_build_object('theme', CASE WHEN random() < 0.5 THEN 'dark' ELSE 'light' END, 'lang', 'ko')
  FROM generate_series(1, :rows) n WHERE NOT EXISTS (SELECT 1 FROM users_wide);
INSERT INTO users_extra_wide (name, email, created_at)
  SELECT 'User ' || n, 'xwide' || n || '@example.com', now()
  FROM generate_series(1, :rows) n WHERE NOT EXISTS (SELECT 1 FROM users_extra_wide);
DO $$ BEGIN FOR i IN 1..45 LOOP
  EXECUTE format('UPDATE users_extra_wide SET field_%1$s = ''val_%1$s_'' || id WHERE field_%1$s IS NULL', lpad(i::text, 2, '0'));
END LOOP; END $$;
INSERT INTO users_type_int (name, email, col_01, col_02, col_03, col_04, col_05)
  SELECT 'User ' || n, 'ti' || n || '@example.com', (random()*1e6)::int, (random()*1e6)::int, (random()*1e6)::int, (random()*1e6)::int, (random()*1e6)::int
  FROM generate_series(1, :rows) n WHERE NOT EXISTS (SELECT 1 FROM users_type_int);
INSERT INTO users_type_varchar (name, email, col_01, col_02, col_03, col_04, col_05)
  SELECT 'User ' || n, 'tv' || n || '@example.com', 'varchar_value_01_' || n, 'varchar_value_02_' || n, 'varchar_value_03_' || n, 'varchar_value_04_' || n, 'varchar_value_05_' || n
  FROM generate_series(1, :rows) n WHERE NOT EXISTS (SELECT 1 FROM users_type_varchar);
INSERT INTO users_type_text (name, email, col_01, col_02, col_03, col_04, col_05)
  SELECT 'User ' || n, 'tt' || n || '@example.com', t, t, t, t, t
  FROM generate_series(1, :rows) n, (SELECT 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt.' AS t) s
  WHERE NOT EXISTS (SELECT 1 FROM users_type_text);
INSERT INTO users_type_jsonb (name, email, col_01, col_02, col_03, col_04, col_05)
  SELECT 'User ' || n, 'tj' || n || '@example.com',
    jsonb_build_object('id', n, 'type', 'col01', 'data', jsonb_build_object('nested', 'value')),
    jsonb_build_object('id', n, 'type', 'col02', 'data', jsonb_build_object('nested', 'value')),
    jsonb_build_object('id', n, 'type', 'col03', 'data', jsonb_build_object('nested', 'value')),
    jsonb_build_object('id', n, 'type', 'col04', 'data', jsonb_build_object('nested', 'value')),
    jsonb_build_object('id', n, 'type', 'col05', 'data', jsonb_build_object('nested', 'value'))
  FROM generate_series(1, :rows) n WHERE NOT EXISTS (SELECT 1 FROM users_type_jsonb);
INSERT INTO users_type_timestamp (name, email, col_01, col_02, col_03, col_04, col_05)
  SELECT 'User ' || n, 'tts' || n || '@example.com', now() - random() * interval '365 days', now() - random() * interval '365 days',
    now() - random() * interval '365 days', now() - random() * interval '365 days', now() - random() * interval '365 days'
  FROM generate_series(1, :rows) n WHERE NOT EXISTS (SELECT 1 FROM users_type_timestamp);
INSERT INTO users_type_uuid (name, email, col_01, col_02, col_03, col_04, col_05)
  SELECT 'User ' || n, 'tu' || n || '@example.com', gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), gen_random_uuid()
  FROM generate_series(1, :rows) n WHERE NOT EXISTS (SELECT 1 FROM users_type_uuid);
INSERT INTO authors (name, email, bio, created_at)
  SELECT 'Author ' || n, 'author' || n || '@example.com', 'Bio of author ' || n, now() - random() * interval '365 days'
  FROM generate_series(1, 1000) n WHERE NOT EXISTS (SELECT 1 FROM authors);
INSERT INTO posts (author_id, title, content, view_count, created_at)
  SELECT a.id, 'Post ' || k || ' by author ' || a.id, 'Content of post ' || k, (random() * 10000)::int, now() - random() * interval '365 days'
  FROM authors a, generate_series(1, 15) k
  WHERE k <= 5 + (a.id % 11) AND NOT EXISTS (SELECT 1 FROM posts);
INSERT INTO products (name, stock, version, updated_at)
  SELECT 'Product ' || n, 1000, 0, now() FROM generate_series(1, 10) n WHERE NOT EXISTS (SELECT 1 FROM products);
