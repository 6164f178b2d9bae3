/* BENCHLAB_SEARCH_POSTS: the search corpus size (src/lab/stack/seed_extra.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lab/stack/seed_extra.h"

static int size_of(const char *value, char *err, size_t errlen) {
    if (value)
        setenv("BENCHLAB_SEARCH_POSTS", value, 1);
    else
        unsetenv("BENCHLAB_SEARCH_POSTS");
    err[0] = '\0';
    return stack_search_posts(err, errlen);
}

static void the_corpus_size_comes_from_the_environment(void **state) {
    (void)state;
    char err[200];
    assert_int_equal(size_of(NULL, err, sizeof err), STACK_SEARCH_POSTS_DEFAULT);
    assert_int_equal(STACK_SEARCH_POSTS_DEFAULT, 50000);
    assert_int_equal(size_of("", err, sizeof err), STACK_SEARCH_POSTS_DEFAULT);
    assert_int_equal(size_of("5000", err, sizeof err), 5000);
    assert_int_equal(size_of("1", err, sizeof err), 1);
    assert_int_equal(size_of("10000000", err, sizeof err), 10000000);
    static const char *const bad[] = {
        "0", "-5", "+5", "10000001", "5k", "abc", " 5", "1e5", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(size_of(bad[i], err, sizeof err), -1);
        assert_non_null(strstr(err, "BENCHLAB_SEARCH_POSTS"));
        assert_non_null(strstr(err, bad[i]));
    }
    unsetenv("BENCHLAB_SEARCH_POSTS");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_corpus_size_comes_from_the_environment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
