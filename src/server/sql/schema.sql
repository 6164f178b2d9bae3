-- The contract's data set (/work/shared/contract.md, "Data set"): tables only.
-- Idempotent: every statement is IF NOT EXISTS, so applying it again is a no-op.
-- seed.sql fills the tables once; reset_<table>.sql undo what write scenarios do.

-- One row per applied seed version; seed.sql does nothing when its version is here.
CREATE TABLE IF NOT EXISTS benchlab_seed (
    version int PRIMARY KEY,
    seeded_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS users (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL,
    email varchar(255) NOT NULL UNIQUE,
    created_at timestamp NOT NULL DEFAULT now()
);

-- The seeded 1000 users as they were: reset_users.sql restores users from it.
CREATE TABLE IF NOT EXISTS benchlab_users_seed (
    id int PRIMARY KEY,
    name varchar(100) NOT NULL,
    email varchar(255) NOT NULL,
    created_at timestamp NOT NULL
);

CREATE TABLE IF NOT EXISTS users_pagination (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL,
    email varchar(255) NOT NULL UNIQUE,
    created_at timestamp NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS users_narrow (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL,
    email varchar(255) NOT NULL UNIQUE,
    status varchar(20) NOT NULL,
    created_at timestamp NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS users_wide (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL,
    email varchar(255) NOT NULL,
    status varchar(20) NOT NULL,
    created_at timestamp NOT NULL DEFAULT now(),
    phone varchar(30),
    address varchar(255),
    city varchar(100),
    country varchar(100),
    postal_code varchar(20),
    birth_date date,
    gender varchar(20),
    occupation varchar(100),
    company varchar(100),
    website varchar(255),
    bio text,
    avatar_url varchar(255),
    last_login timestamp,
    login_count int NOT NULL DEFAULT 0,
    preferences jsonb
);
CREATE INDEX IF NOT EXISTS users_wide_country_idx ON users_wide (country);
CREATE INDEX IF NOT EXISTS users_wide_status_idx ON users_wide (status);

CREATE TABLE IF NOT EXISTS users_extra_wide (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL,
    email varchar(255) NOT NULL,
    field_01 varchar(100),
    field_02 varchar(100),
    field_03 varchar(100),
    field_04 varchar(100),
    field_05 varchar(100),
    field_06 varchar(100),
    field_07 varchar(100),
    field_08 varchar(100),
    field_09 varchar(100),
    field_10 varchar(100),
    field_11 varchar(100),
    field_12 varchar(100),
    field_13 varchar(100),
    field_14 varchar(100),
    field_15 varchar(100),
    field_16 varchar(100),
    field_17 varchar(100),
    field_18 varchar(100),
    field_19 varchar(100),
    field_20 varchar(100),
    field_21 varchar(100),
    field_22 varchar(100),
    field_23 varchar(100),
    field_24 varchar(100),
    field_25 varchar(100),
    field_26 varchar(100),
    field_27 varchar(100),
    field_28 varchar(100),
    field_29 varchar(100),
    field_30 varchar(100),
    field_31 varchar(100),
    field_32 varchar(100),
    field_33 varchar(100),
    field_34 varchar(100),
    field_35 varchar(100),
    field_36 varchar(100),
    field_37 varchar(100),
    field_38 varchar(100),
    field_39 varchar(100),
    field_40 varchar(100),
    field_41 varchar(100),
    field_42 varchar(100),
    field_43 varchar(100),
    field_44 varchar(100),
    field_45 varchar(100),
    created_at timestamp NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS users_type_int (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL,
    email varchar(255) NOT NULL UNIQUE,
    col_01 int,
    col_02 int,
    col_03 int,
    col_04 int,
    col_05 int
);

CREATE TABLE IF NOT EXISTS users_type_varchar (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL,
    email varchar(255) NOT NULL UNIQUE,
    col_01 varchar(100),
    col_02 varchar(100),
    col_03 varchar(100),
    col_04 varchar(100),
    col_05 varchar(100)
);

CREATE TABLE IF NOT EXISTS users_type_text (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL,
    email varchar(255) NOT NULL UNIQUE,
    col_01 text,
    col_02 text,
    col_03 text,
    col_04 text,
    col_05 text
);

CREATE TABLE IF NOT EXISTS users_type_jsonb (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL,
    email varchar(255) NOT NULL UNIQUE,
    col_01 jsonb,
    col_02 jsonb,
    col_03 jsonb,
    col_04 jsonb,
    col_05 jsonb
);

CREATE TABLE IF NOT EXISTS users_type_timestamp (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL,
    email varchar(255) NOT NULL UNIQUE,
    col_01 timestamp,
    col_02 timestamp,
    col_03 timestamp,
    col_04 timestamp,
    col_05 timestamp
);

CREATE TABLE IF NOT EXISTS users_type_uuid (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL,
    email varchar(255) NOT NULL UNIQUE,
    col_01 uuid,
    col_02 uuid,
    col_03 uuid,
    col_04 uuid,
    col_05 uuid
);

CREATE TABLE IF NOT EXISTS authors (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL,
    email varchar(255) NOT NULL UNIQUE,
    bio text,
    created_at timestamp NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS posts (
    id serial PRIMARY KEY,
    author_id int NOT NULL REFERENCES authors (id),
    title varchar(200) NOT NULL,
    content text,
    view_count int NOT NULL DEFAULT 0,
    created_at timestamp NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS posts_author_id_idx ON posts (author_id);

CREATE TABLE IF NOT EXISTS bulk_items (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL,
    value int NOT NULL DEFAULT 0,
    created_at timestamp NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS products (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL,
    stock int NOT NULL DEFAULT 1000,
    version int NOT NULL DEFAULT 0,
    updated_at timestamp NOT NULL DEFAULT now()
);
