/* --io: names, and what auto/epoll/uring resolve to (engine.h, ioring.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "load/engine.h"
#include "load/ioring.h"

static void names_parse_and_print(void **state) {
    (void)state;
    assert_int_equal(engine_io_parse("uring"), ENGINE_IO_URING);
    assert_int_equal(engine_io_parse("epoll"), ENGINE_IO_EPOLL);
    assert_int_equal(engine_io_parse("auto"), ENGINE_IO_AUTO);
    assert_int_equal(engine_io_parse("kqueue"), -1);
    assert_int_equal(engine_io_parse(""), -1);
    assert_int_equal(engine_io_parse(NULL), -1);
    assert_string_equal(engine_io_name(ENGINE_IO_URING), "uring");
    assert_string_equal(engine_io_name(ENGINE_IO_EPOLL), "epoll");
}

static void resolution(void **state) {
    (void)state;
    assert_int_equal(engine_io_resolve(ENGINE_IO_AUTO), ENGINE_IO_EPOLL);
    assert_int_equal(engine_io_resolve(ENGINE_IO_EPOLL), ENGINE_IO_EPOLL);
    /* uring when the kernel and build have it, else the epoll fallback */
    assert_int_equal(engine_io_resolve(ENGINE_IO_URING),
                     ioring_available() ? ENGINE_IO_URING : ENGINE_IO_EPOLL);
}

static void ring_lifecycle(void **state) {
    (void)state;
    if (!ioring_available())
        skip();
    static const ioring_ops_t ops = {0};
    ioring_t *r = ioring_new(1000, &ops);
    assert_non_null(r);
    ioring_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_parse_and_print),
        cmocka_unit_test(resolution),
        cmocka_unit_test(ring_lifecycle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
