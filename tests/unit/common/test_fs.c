/* Unit tests for src/common/fs.c: mkdir -p, rm -rf, copy, atomic writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"

static char dir[64];

static int setup(void **state) {
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/benchlab-fs-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    return fs_remove_tree(dir);
}

static char *slurp(const char *path) {
    static char buf[256];
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* the number of entries in D besides . and .. */
static int entries(const char *d) {
    DIR *dp = opendir(d);
    int n = 0;
    for (struct dirent *e; dp && (e = readdir(dp));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (dp)
        closedir(dp);
    return n;
}

static void mkdirs_and_remove_tree(void **state) {
    (void)state;
    char deep[128], file[160], top[96], link[160];
    snprintf(top, sizeof top, "%s/a", dir);
    snprintf(deep, sizeof deep, "%s/a/b/c/", dir);
    assert_int_equal(fs_mkdirs(deep, 0755), 0);
    assert_int_equal(fs_mkdirs(deep, 0755), 0); /* exists: fine */
    struct stat sb;
    assert_int_equal(stat(deep, &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));
    snprintf(file, sizeof file, "%s/a/b/c/f", dir);
    assert_int_equal(fs_write_atomic(file, "x", 1), 0);
    /* a file in the way of a directory */
    snprintf(link, sizeof link, "%s/a/b/c/f/g", dir);
    assert_int_equal(fs_mkdirs(link, 0755), -1);
    /* a link to outside the tree: removed, its target kept */
    snprintf(link, sizeof link, "%s/a/b/out", dir);
    assert_int_equal(symlink(dir, link), 0);
    assert_int_equal(fs_remove_tree(top), 0);
    assert_int_equal(lstat(top, &sb), -1);
    assert_int_equal(stat(dir, &sb), 0);
    assert_int_equal(fs_remove_tree(top), 0); /* absent: fine */
}

static void atomic_write_and_copy(void **state) {
    (void)state;
    char path[96], copy[96];
    snprintf(path, sizeof path, "%s/out.json", dir);
    snprintf(copy, sizeof copy, "%s/copy.json", dir);
    assert_int_equal(fs_write_atomic(path, "{}\n", 3), 0);
    assert_string_equal(slurp(path), "{}\n");

    fs_atomic_t a;
    FILE *f = fs_atomic_open(&a, path);
    assert_non_null(f);
    fputs("half", f);
    assert_string_equal(slurp(path), "{}\n"); /* not yet */
    assert_int_equal(fs_atomic_commit(&a, 0), -1);
    assert_string_equal(slurp(path), "{}\n"); /* a failed write leaves it */
    assert_int_equal(entries(dir), 1);        /* and no temp file */

    f = fs_atomic_open(&a, path);
    assert_non_null(f);
    fputs("[1]\n", f);
    assert_int_equal(fs_atomic_commit(&a, 1), 0);
    assert_string_equal(slurp(path), "[1]\n");
    assert_int_equal(entries(dir), 1);

    assert_int_equal(fs_copy_file(path, copy), 0);
    assert_string_equal(slurp(copy), "[1]\n");
    assert_int_equal(fs_copy_file("/nonexistent/x", copy), -1);
    assert_int_equal(errno, ENOENT);

    /* a device is written in place, not replaced */
    assert_int_equal(fs_write_atomic("/dev/null", "x", 1), 0);
    struct stat sb;
    assert_int_equal(stat("/dev/null", &sb), 0);
    assert_true(S_ISCHR(sb.st_mode));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(mkdirs_and_remove_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(atomic_write_and_copy, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
