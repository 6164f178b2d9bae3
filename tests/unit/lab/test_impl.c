/* The implementation names: c-ulfius and the five peers are known, only the
 * peers are peers, and a peer's image is benchlab-NAME. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "lab/impl.h"

static void test_names(void **state) {
    (void)state;
    assert_true(impl_known(IMPL_DEFAULT));
    assert_false(impl_is_peer(IMPL_DEFAULT));
    assert_true(impl_is_peer("express"));
    for (const char *const *n =
             (const char *const[]){"fastapi", "fastapi-strict", "express", "django", "rails", NULL};
         *n; n++) {
        assert_true(impl_is_peer(*n) && impl_known(*n));
        assert_non_null(strstr(IMPL_NAMES, *n));
    }
    assert_false(impl_known("spring"));
    assert_false(impl_known(NULL));
    assert_false(impl_is_peer("rails2"));
    assert_false(impl_is_peer(NULL));
    assert_string_equal(impl_or_default(NULL), "c-ulfius");
    assert_string_equal(impl_or_default(""), "c-ulfius");
    assert_string_equal(impl_or_default("django"), "django");
}

static void test_peer_image(void **state) {
    (void)state;
    char buf[32];
    assert_int_equal(impl_peer_image("fastapi-strict", buf, sizeof buf), 0);
    assert_string_equal(buf, "benchlab-fastapi-strict");
    assert_int_equal(impl_peer_image("fastapi-strict", buf, 10), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_peer_image),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
