/* Column overhead, N+1 modes, aggregation, bulk writes, transactions (with the
 * 8-client concurrency test). Writes are undone: bulk cleanup, products reset. */
#include "client.h"
#include "spawn.h"

#include <pthread.h>

static void test_columns(void **state) {
    (void)state;
    need_stack();
    struct {
        const char *path;
        size_t fields;
    } cases[] = {{"/column-overhead/narrow", 5},       {"/column-overhead/wide", 20},
                 {"/column-overhead/extra-wide", 49},  {"/column-overhead/type/int", 8},
                 {"/column-overhead/type/varchar", 8}, {"/column-overhead/type/text", 8},
                 {"/column-overhead/type/jsonb", 8},   {"/column-overhead/type/timestamp", 8},
                 {"/column-overhead/type/uuid", 8}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *rows = GET_JSON(cases[i].path, 200);
        assert_int_equal(json_array_size(rows), 100); /* default limit */
        json_t *r0 = json_array_get(rows, 0);
        if (json_object_size(r0) != cases[i].fields)
            fail_msg("%s: %zu fields, expected %zu", cases[i].path, json_object_size(r0),
                     cases[i].fields);
        assert_int_equal(jint(r0, "id"), 1);
        json_decref(rows);
    }
    json_t *rows = GET_JSON("/column-overhead/type/jsonb?limit=1", 200);
    json_t *c1 = json_object_get(json_array_get(rows, 0), "col_01");
    assert_true(json_is_object(c1));
    assert_string_equal(jstr(json_object_get(c1, "data"), "nested"), "value");
    json_decref(rows);
    rows = GET_JSON("/column-overhead/type/uuid?limit=1", 200);
    assert_int_equal(strlen(jstr(json_array_get(rows, 0), "col_01")), 36);
    json_decref(rows);
    rows = GET_JSON("/column-overhead/type/int?limit=1000", 200);
    assert_int_equal(json_array_size(rows), 1000);
    assert_true(json_is_integer(json_object_get(json_array_get(rows, 0), "col_01")));
    json_decref(rows);
    rows = GET_JSON("/column-overhead/wide?limit=1", 200);
    json_t *w = json_array_get(rows, 0);
    assert_true(json_is_object(json_object_get(w, "preferences")));
    assert_string_equal(jstr(w, "city"), "City 1");
    json_decref(rows);
    expect_error("GET", "/column-overhead/narrow?limit=0", NULL, NULL, 422);
    expect_error("GET", "/column-overhead/narrow?limit=1001", NULL, NULL, 422);
    expect_error("GET", "/column-overhead/type/int?limit=x", NULL, NULL, 422);
    expect_error("GET", "/column-overhead/type/float", NULL, NULL, 404);
}

static void test_n_plus_one_modes_agree(void **state) {
    (void)state;
    need_stack();
    const char *q[] = {"?limit=20&offset=0", "?limit=7&offset=993", "?limit=100&offset=500",
                       "?limit=5&offset=1000"};
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        char p[3][128];
        snprintf(p[0], sizeof p[0], "/n-plus-one/lazy%s", q[i]);
        snprintf(p[1], sizeof p[1], "/n-plus-one/eager%s", q[i]);
        snprintf(p[2], sizeof p[2], "/n-plus-one/subquery%s", q[i]);
        json_t *lazy = GET_JSON(p[0], 200), *eager = GET_JSON(p[1], 200),
               *sub = GET_JSON(p[2], 200);
        if (!json_equal(lazy, eager) || !json_equal(lazy, sub))
            fail_msg("n+1 modes disagree for %s", q[i]);
        if (i == 1) {
            assert_int_equal(json_array_size(lazy), 7);
            assert_int_equal(jint(json_array_get(lazy, 0), "id"), 994);
        }
        if (i == 3)
            assert_int_equal(json_array_size(lazy), 0);
        for (size_t k = 0; k < json_array_size(lazy); k++) {
            json_t *posts = json_object_get(json_array_get(lazy, k), "posts");
            assert_true(json_array_size(posts) >= 5 && json_array_size(posts) <= 15);
            json_t *p0 = json_array_get(posts, 0);
            assert_non_null(json_object_get(p0, "title"));
            assert_non_null(json_object_get(p0, "view_count"));
        }
        json_decref(lazy);
        json_decref(eager);
        json_decref(sub);
    }
    json_t *d = GET_JSON("/n-plus-one/eager", 200);
    assert_int_equal(json_array_size(d), 20);
    json_decref(d);
    expect_error("GET", "/n-plus-one/lazy?limit=0", NULL, NULL, 422);
    expect_error("GET", "/n-plus-one/lazy?limit=101", NULL, NULL, 422);
    expect_error("GET", "/n-plus-one/eager?offset=-1", NULL, NULL, 422);
}

static void test_aggregation_agrees(void **state) {
    (void)state;
    need_stack();
    json_t *a = GET_JSON("/aggregation/count/orm", 200),
           *b = GET_JSON("/aggregation/count/raw", 200);
    assert_true(json_equal(a, b));
    assert_int_equal(jint(a, "count_star"), 100000);
    assert_int_equal(jint(a, "count_id"), 100000);
    assert_int_equal(jint(a, "count_distinct_status"), 2);
    json_decref(a);
    json_decref(b);
    a = GET_JSON("/aggregation/stats/country/orm?limit=50", 200);
    b = GET_JSON("/aggregation/stats/country/raw?limit=50", 200);
    assert_true(json_equal(a, b));
    assert_int_equal(json_array_size(a), 50);
    long long users = 0;
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *r = json_array_get(a, i);
        users += jint(r, "user_count");
        double avg = json_real_value(json_object_get(r, "avg_logins"));
        double expect = (double)jint(r, "total_logins") / (double)jint(r, "user_count");
        assert_true(avg > expect - 1e-6 && avg < expect + 1e-6);
        if (i > 0)
            assert_true(jint(json_array_get(a, i - 1), "user_count") >= jint(r, "user_count"));
    }
    assert_int_equal(users, 100000);
    json_decref(a);
    json_decref(b);
    a = GET_JSON("/aggregation/stats/author/orm?limit=25", 200);
    b = GET_JSON("/aggregation/stats/author/raw?limit=25", 200);
    assert_true(json_equal(a, b));
    assert_int_equal(json_array_size(a), 25);
    json_t *top = json_array_get(a, 0);
    assert_true(jint(top, "post_count") <= 15);
    assert_non_null(json_object_get(top, "author_name"));
    json_decref(a);
    json_decref(b);
    a = GET_JSON("/aggregation/stats/author/raw", 200);
    assert_int_equal(json_array_size(a), 10);
    json_decref(a);
    expect_error("GET", "/aggregation/stats/country/raw?limit=0", NULL, NULL, 422);
    expect_error("GET", "/aggregation/stats/author/orm?limit=abc", NULL, NULL, 422);
}

static long long bulk(const char *op, int count) {
    char path[128];
    snprintf(path, sizeof path, "/bulk-operations/%s?count=%d", op, count);
    json_t *j = call_json("POST", path, NULL, 200);
    assert_string_equal(jstr(j, "operation"), op);
    assert_true(json_real_value(json_object_get(j, "elapsed_ms")) >= 0);
    long long n = jint(j, "count");
    json_decref(j);
    return n;
}

static void cleanup_bulk(void) {
    json_t *j = call_json("DELETE", "/bulk-operations/cleanup", NULL, 200);
    assert_non_null(json_object_get(j, "message"));
    json_decref(j);
}

static void test_bulk(void **state) {
    (void)state;
    need_stack();
    cleanup_bulk();
    assert_int_equal(bulk("insert-individual", 50), 50);
    assert_int_equal(bulk("insert-batch", 50), 50);
    assert_int_equal(bulk("insert-raw", 200), 200);
    /* 300 rows now; updates touch ids 1..N. */
    assert_int_equal(bulk("update-individual", 40), 40);
    assert_int_equal(bulk("update-bulk", 300), 300);
    cleanup_bulk();
    assert_int_equal(bulk("update-bulk", 10), 0); /* empty table: nothing to update */
    assert_int_equal(bulk("insert-raw", 10000), 10000);
    cleanup_bulk();
    expect_error("POST", "/bulk-operations/insert-raw?count=0", NULL, NULL, 422);
    expect_error("POST", "/bulk-operations/insert-raw?count=10001", NULL, NULL, 422);
    expect_error("POST", "/bulk-operations/insert-raw?count=many", NULL, NULL, 422);
}

static void reset_products(void) {
    json_decref(call_json("POST", "/transactions/reset", NULL, 200));
}

static json_t *product(int id) {
    char path[64];
    snprintf(path, sizeof path, "/transactions/products/%d", id);
    return GET_JSON(path, 200);
}

static void test_transactions_single(void **state) {
    (void)state;
    need_stack();
    reset_products();
    const char *methods[] = {"no-lock", "pessimistic", "optimistic", "serializable"};
    for (int i = 0; i < 4; i++) {
        char path[128];
        snprintf(path, sizeof path, "/transactions/decrement/%s?product_id=%d&quantity=3",
                 methods[i], i + 1);
        json_t *j = call_json("POST", path, NULL, 200);
        assert_true(json_is_true(json_object_get(j, "success")));
        assert_string_equal(jstr(j, "method"), methods[i]);
        assert_int_equal(jint(j, "product_id"), i + 1);
        assert_int_equal(jint(j, "old_stock"), 1000);
        assert_int_equal(jint(j, "new_stock"), 997);
        assert_int_equal(jint(j, "retries"), 0);
        assert_true(json_is_null(json_object_get(j, "error")));
        json_decref(j);
        json_t *p = product(i + 1);
        assert_int_equal(jint(p, "stock"), 997);
        assert_int_equal(jint(p, "version"), 1);
        json_decref(p);
    }
    /* More than the stock: reported, not applied. */
    json_t *j = call_json("POST", "/transactions/decrement/pessimistic?product_id=5&quantity=1001",
                          NULL, 200);
    assert_true(json_is_false(json_object_get(j, "success")));
    assert_string_equal(jstr(j, "error"), "insufficient stock");
    json_decref(j);
    expect_error("POST", "/transactions/decrement/optimistic?product_id=424242", NULL, NULL, 404);
    expect_error("POST", "/transactions/decrement/optimistic?quantity=0", NULL, NULL, 422);
    expect_error("POST", "/transactions/decrement/optimistic?product_id=x", NULL, NULL, 422);
    expect_error("GET", "/transactions/products/424242", NULL, NULL, 404);
    expect_error("GET", "/transactions/products/abc", NULL, NULL, 422);
    reset_products();
    json_t *p = product(1);
    assert_int_equal(jint(p, "stock"), 1000);
    assert_int_equal(jint(p, "version"), 0);
    json_decref(p);
}

enum { CLIENTS = 8, PER_CLIENT = 25 };

struct worker {
    const char *base;
    const char *method;
    int product;
    int successes;
    int failures; /* success=false answers (conflicts) */
    int errors;   /* anything but a 200 JSON */
};

static void *decrement_worker(void *arg) {
    struct worker *w = arg;
    char path[128];
    snprintf(path, sizeof path, "/transactions/decrement/%s?product_id=%d&quantity=1", w->method,
             w->product);
    for (int i = 0; i < PER_CLIENT; i++) {
        struct http_resp r;
        if (http_to(w->base, "POST", path, NULL, NULL, 0, NULL, &r) != 0 || r.status != 200 ||
            !r.json)
            w->errors++;
        else if (json_is_true(json_object_get(r.json, "success")))
            w->successes++;
        else
            w->failures++;
        http_free(&r);
    }
    return NULL;
}

/* 8 parallel clients per method: the locking methods keep stock = 1000 -
 * successes; no-lock may lose updates (stock too high), which are counted.
 * Runs against a private server with a pool of 8 threads, so requests really
 * overlap (the stack's server may be single-threaded). */
static void test_transactions_concurrent(void **state) {
    (void)state;
    need_stack();
    const char *pg = getenv("BENCHLAB_PG");
    if (pg == NULL)
        skip();
    const char *args[] = {"--threading", "pool", "--threads", "8", "--db-pool",
                          "8",           "--pg", pg,          NULL};
    char base[128];
    pid_t pid = spawn_server(args, base, sizeof base);
    assert_true(pid > 0);
    reset_products();
    const char *methods[] = {"no-lock", "pessimistic", "optimistic", "serializable"};
    for (int m = 0; m < 4; m++) {
        struct worker w[CLIENTS];
        pthread_t t[CLIENTS];
        for (int i = 0; i < CLIENTS; i++) {
            w[i] = (struct worker){base, methods[m], m + 1, 0, 0, 0};
            pthread_create(&t[i], NULL, decrement_worker, &w[i]);
        }
        int ok = 0, conflicts = 0;
        for (int i = 0; i < CLIENTS; i++) {
            pthread_join(t[i], NULL);
            assert_int_equal(w[i].errors, 0);
            ok += w[i].successes;
            conflicts += w[i].failures;
        }
        assert_int_equal(ok + conflicts, CLIENTS * PER_CLIENT);
        json_t *p = product(m + 1);
        long long stock = jint(p, "stock");
        json_decref(p);
        if (m == 0) {
            long long lost = ok - (1000 - stock);
            assert_true(lost >= 0); /* never more taken than reported */
            assert_int_equal(conflicts, 0);
            print_message("no-lock: %d successes, stock %lld, %lld lost updates\n", ok, stock,
                          lost);
        } else {
            if (stock != 1000 - ok)
                fail_msg("%s: stock %lld but %d successes", methods[m], stock, ok);
            assert_true(ok >= 1);
            print_message("%s: %d successes, %d reported conflicts, stock %lld\n", methods[m], ok,
                          conflicts, stock);
        }
        if (m == 1)
            assert_int_equal(ok, CLIENTS * PER_CLIENT); /* FOR UPDATE never fails */
    }
    reset_products();
    assert_int_equal(stop_server(pid), 0);
}

int main(void) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_n_plus_one_modes_agree),
        cmocka_unit_test(test_aggregation_agrees),
        cmocka_unit_test(test_bulk),
        cmocka_unit_test(test_transactions_single),
        cmocka_unit_test(test_transactions_concurrent),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
