#include "server/db/statements.h"

#define USER_COLS "id, name, email, created_at"

/* Indexed by enum stmt_id; the name is the prepared statement's name. */
static const struct statement statements[STMT_COUNT] = {
    [STMT_USERS_ALL] = {"users_all", "SELECT " USER_COLS " FROM users ORDER BY id"},
    [STMT_USER_GET] = {"user_get", "SELECT " USER_COLS " FROM users WHERE id = $1"},
    [STMT_USER_INSERT] = {"user_insert", "INSERT INTO users (name, email) VALUES ($1, $2) "
                                         "RETURNING " USER_COLS},
    [STMT_USER_UPDATE] = {"user_update",
                          "UPDATE users SET name = COALESCE($2, name), email = COALESCE($3, email) "
                          "WHERE id = $1 RETURNING " USER_COLS},
    [STMT_USER_DELETE] = {"user_delete", "DELETE FROM users WHERE id = $1"},
    [STMT_PAGE_OFFSET] = {"page_offset", "SELECT " USER_COLS
                                         " FROM users_pagination ORDER BY id LIMIT $1 OFFSET $2"},
    [STMT_PAGE_COUNT] = {"page_count", "SELECT count(*) FROM users_pagination"},
    [STMT_PAGE_CURSOR] = {"page_cursor", "SELECT " USER_COLS " FROM users_pagination WHERE id > $1 "
                                         "ORDER BY id LIMIT $2"},
    [STMT_COLS_NARROW] = {"cols_narrow", "SELECT * FROM users_narrow ORDER BY id LIMIT $1"},
    [STMT_COLS_WIDE] = {"cols_wide", "SELECT * FROM users_wide ORDER BY id LIMIT $1"},
    [STMT_COLS_EXTRA_WIDE] = {"cols_extra_wide",
                              "SELECT * FROM users_extra_wide ORDER BY id LIMIT $1"},
    [STMT_COLS_INT] = {"cols_int", "SELECT * FROM users_type_int ORDER BY id LIMIT $1"},
    [STMT_COLS_VARCHAR] = {"cols_varchar", "SELECT * FROM users_type_varchar ORDER BY id LIMIT $1"},
    [STMT_COLS_TEXT] = {"cols_text", "SELECT * FROM users_type_text ORDER BY id LIMIT $1"},
    [STMT_COLS_JSONB] = {"cols_jsonb", "SELECT * FROM users_type_jsonb ORDER BY id LIMIT $1"},
    [STMT_COLS_TIMESTAMP] = {"cols_timestamp",
                             "SELECT * FROM users_type_timestamp ORDER BY id LIMIT $1"},
    [STMT_COLS_UUID] = {"cols_uuid", "SELECT * FROM users_type_uuid ORDER BY id LIMIT $1"},
    [STMT_AUTHORS_PAGE] = {"authors_page", "SELECT id, name, email, bio, created_at FROM authors "
                                           "ORDER BY id LIMIT $1 OFFSET $2"},
    [STMT_POSTS_OF_AUTHOR] = {"posts_of_author",
                              "SELECT id, title, content, view_count, created_at FROM posts "
                              "WHERE author_id = $1 ORDER BY id"},
    [STMT_AUTHORS_POSTS_JOIN] =
        {"authors_posts_join",
         "SELECT a.id, a.name, a.email, a.bio, a.created_at, p.id, p.title, p.content, "
         "p.view_count, p.created_at FROM (SELECT * FROM authors ORDER BY id LIMIT $1 OFFSET $2) a "
         "LEFT JOIN posts p ON p.author_id = a.id ORDER BY a.id, p.id"},
    [STMT_POSTS_OF_AUTHORS] =
        {"posts_of_authors", "SELECT author_id, id, title, content, view_count, created_at "
                             "FROM posts WHERE author_id = ANY($1::int[]) ORDER BY author_id, id"},
    [STMT_BULK_INSERT] = {"bulk_insert", "INSERT INTO bulk_items (name, value) VALUES ($1, $2)"},
    [STMT_BULK_UPDATE] = {"bulk_update", "UPDATE bulk_items SET value = $2 WHERE id = $1"},
    [STMT_PRODUCT_GET] = {"product_get",
                          "SELECT id, name, stock, version, updated_at FROM products "
                          "WHERE id = $1"},
    [STMT_PRODUCT_GET_FOR_UPDATE] = {"product_get_for_update",
                                     "SELECT id, name, stock, version, updated_at FROM products "
                                     "WHERE id = $1 FOR UPDATE"},
    [STMT_PRODUCT_SET_STOCK] = {"product_set_stock",
                                "UPDATE products SET stock = $2, version = version + 1, "
                                "updated_at = now() WHERE id = $1"},
    [STMT_PRODUCT_CAS] = {"product_cas", "UPDATE products SET stock = $2, version = version + 1, "
                                         "updated_at = now() WHERE id = $1 AND version = $3"},
    [STMT_PRODUCTS_RESET] = {"products_reset",
                             "UPDATE products SET stock = 1000, version = 0, updated_at = now()"},
    [STMT_CACHE_USER] = {"cache_user", "SELECT id, name, email FROM users WHERE id = $1"},
    [STMT_CACHE_WARM] = {"cache_warm", "SELECT id, name, email FROM users ORDER BY id LIMIT $1"},
    /* 19: newest first; no index on created_at, so every method finds all
     * matches before the top `limit` (as ranking by relevance would). */
    [STMT_SEARCH_LIKE] = {"search_like", "SELECT id, title, body, created_at FROM search_posts "
                                         "WHERE body ILIKE $1 ORDER BY created_at DESC, id DESC "
                                         "LIMIT $2"},
    [STMT_SEARCH_TRGM] = {"search_trgm", "SELECT id, title, body, created_at FROM search_posts "
                                         "WHERE lower(body) LIKE lower($1) "
                                         "ORDER BY created_at DESC, id DESC LIMIT $2"},
    [STMT_SEARCH_FTS] = {"search_fts", "SELECT id, title, body, created_at FROM search_posts "
                                       "WHERE tsv @@ websearch_to_tsquery('english', $1) "
                                       "ORDER BY created_at DESC, id DESC LIMIT $2"},
    [STMT_FLOW_ACCOUNT] = {"flow_account",
                           "SELECT id, password_hash FROM accounts WHERE email = $1"},
    [STMT_FLOW_FEED] = {"flow_feed",
                        "SELECT p.id, p.title, p.body, p.created_at, a.name AS author_name "
                        "FROM account_posts p JOIN accounts a ON a.id = p.account_id "
                        "WHERE p.account_id = $1 AND p.id < $2 ORDER BY p.id DESC LIMIT $3"},
    [STMT_FLOW_POST_INSERT] = {"flow_post_insert",
                               "INSERT INTO account_posts (account_id, title, body) "
                               "VALUES ($1, $2, $3) RETURNING id, account_id, title, body, "
                               "created_at"},
    [STMT_FLOW_POST_GET] = {"flow_post_get",
                            "SELECT id, account_id, title, body, created_at "
                            "FROM account_posts WHERE id = $1 AND account_id = $2"},
    [STMT_AGG_COUNT_STAR] = {"agg_count_star", "SELECT count(*) FROM users_wide"},
    [STMT_AGG_COUNT_ID] = {"agg_count_id", "SELECT count(id) FROM users_wide"},
    [STMT_AGG_COUNT_DISTINCT] = {"agg_count_distinct",
                                 "SELECT count(DISTINCT status) FROM users_wide"},
    [STMT_AGG_COUNT_ALL] = {"agg_count_all",
                            "SELECT count(*), count(id), count(DISTINCT status) FROM users_wide"},
    [STMT_AGG_COUNTRY_COUNTS] = {"agg_country_counts",
                                 "SELECT country, count(*) AS c FROM users_wide GROUP BY country "
                                 "ORDER BY c DESC, country LIMIT $1"},
    [STMT_AGG_COUNTRY_SUMS] = {"agg_country_sums",
                               "SELECT country, sum(login_count), avg(login_count)::float8 "
                               "FROM users_wide WHERE country = ANY($1::text[]) GROUP BY country"},
    [STMT_AGG_COUNTRY_RAW] = {"agg_country_raw",
                              "SELECT country, count(*) AS c, sum(login_count), "
                              "avg(login_count)::float8 FROM users_wide GROUP BY country "
                              "ORDER BY c DESC, country LIMIT $1"},
    [STMT_AGG_AUTHOR_COUNTS] = {"agg_author_counts",
                                "SELECT a.id, a.name, count(p.id) AS c FROM authors a "
                                "JOIN posts p ON p.author_id = a.id GROUP BY a.id, a.name "
                                "ORDER BY c DESC, a.id LIMIT $1"},
    [STMT_AGG_AUTHOR_SUMS] = {"agg_author_sums",
                              "SELECT author_id, sum(view_count), avg(view_count)::float8 "
                              "FROM posts WHERE author_id = ANY($1::int[]) GROUP BY author_id"},
    [STMT_AGG_AUTHOR_RAW] = {"agg_author_raw",
                             "SELECT a.id, a.name, count(p.id) AS c, sum(p.view_count), "
                             "avg(p.view_count)::float8 FROM authors a JOIN posts p "
                             "ON p.author_id = a.id GROUP BY a.id, a.name "
                             "ORDER BY c DESC, a.id LIMIT $1"},
    [STMT_IO_DB] = {"io_db", "SELECT a.id, a.name, a.email, count(p.id), "
                             "COALESCE(sum(p.view_count), 0) FROM authors a "
                             "LEFT JOIN posts p ON p.author_id = a.id "
                             "GROUP BY a.id ORDER BY a.id"},
};

const struct statement *statement_get(enum stmt_id id) {
    return &statements[id];
}
