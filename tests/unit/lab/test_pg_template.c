/* The seeded cluster template's key (stack/pg_template.h): the same inputs
 * give the same key; the PostgreSQL binaries, an SQL file's bytes, a new SQL
 * file and the search corpus size (BENCHLAB_SEARCH_POSTS) each change it. No
 * database: fake binaries and a copy of the SQL directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "lab/stack/pg_template.h"

static char tmpdir[64], bin[128], sql[128];

static void write_file(const char *dir, const char *name, const char *text) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    chmod(path, 0755);
}

static int setup(void **state) {
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test-pg-template.XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(bin, sizeof bin, "%s/bin", tmpdir);
    snprintf(sql, sizeof sql, "%s/sql", tmpdir);
    if (fs_mkdirs(bin, 0755) != 0 || fs_mkdirs(sql, 0755) != 0)
        return -1;
    write_file(bin, "postgres", "#!/bin/sh\n");
    write_file(bin, "initdb", "#!/bin/sh\n");
    write_file(sql, "schema.sql", "CREATE TABLE t (a int);\n");
    write_file(sql, "seed.sql", "INSERT INTO t VALUES (1);\n");
    setenv("BENCHLAB_SQL_DIR", sql, 1);
    unsetenv("BENCHLAB_SEARCH_POSTS");
    return 0;
}

static int teardown(void **state) {
    (void)state;
    unsetenv("BENCHLAB_SQL_DIR");
    unsetenv("BENCHLAB_SEARCH_POSTS");
    return fs_remove_tree(tmpdir);
}

static void key_of(char *key) {
    char err[256] = "";
    if (stack_pg_template_key(tmpdir, bin, key, err, sizeof err) != 0)
        fail_msg("key: %s", err);
    assert_int_equal(strlen(key), 64);
    assert_int_equal(strspn(key, "0123456789abcdef"), 64);
}

static void the_key_follows_every_input(void **state) {
    (void)state;
    char k0[72], k[72];
    key_of(k0);
    key_of(k);
    assert_string_equal(k, k0); /* stable */

    setenv("BENCHLAB_SEARCH_POSTS", "5000", 1);
    key_of(k);
    assert_string_not_equal(k, k0);
    unsetenv("BENCHLAB_SEARCH_POSTS");
    key_of(k);
    assert_string_equal(k, k0);

    write_file(sql, "seed.sql", "INSERT INTO t VALUES (2);\n");
    key_of(k);
    assert_string_not_equal(k, k0);
    write_file(sql, "seed.sql", "INSERT INTO t VALUES (1);\n");
    key_of(k);
    assert_string_equal(k, k0);

    write_file(sql, "search.sql", "SELECT 1;\n"); /* another helper's seed file */
    key_of(k);
    assert_string_not_equal(k, k0);
    char path[256];
    snprintf(path, sizeof path, "%s/search.sql", sql);
    unlink(path);

    write_file(bin, "postgres", "#!/bin/sh\n# another build\n");
    key_of(k);
    assert_string_not_equal(k, k0);

    /* no scratch files left where the key was computed */
    char listing[512];
    snprintf(listing, sizeof listing, "test -z \"$(ls -A %s | grep -v '^bin$' | grep -v '^sql$')\"",
             tmpdir);
    assert_int_equal(system(listing), 0);
}

static void without_sql_files_there_is_no_key(void **state) {
    (void)state;
    setenv("BENCHLAB_SQL_DIR", "/nonexistent-benchlab-sql", 1);
    char key[72], err[256] = "";
    assert_int_equal(stack_pg_template_key(tmpdir, bin, key, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent-benchlab-sql"));
    setenv("BENCHLAB_SQL_DIR", sql, 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_key_follows_every_input),
        cmocka_unit_test(without_sql_files_there_is_no_key),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
