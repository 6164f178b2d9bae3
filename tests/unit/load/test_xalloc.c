/* Checked allocation (common/xalloc.h): an allocation that fails ends the
 * program with status 1 and "benchlab-load: out of memory (N bytes)" on
 * stderr (never a NULL to crash on later); jansson goes through it too. The
 * failing calls run in a child; its stderr goes through a pipe. Also the
 * capacity check (load/limits.h) with descriptors and memory to spare. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "load/limits.h"
#include "common/xalloc.h"

#if defined(__SANITIZE_ADDRESS__)
/* under ASan a huge request must fail like malloc's, not stop the test */
const char *__asan_default_options(void);
const char *__asan_default_options(void) {
    return "allocator_may_return_null=1";
}
#endif

/* Runs fn in a child; returns its exit status and what it wrote to stderr. */
static int in_child(void (*fn)(void), char *err, size_t len) {
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(p[1], STDERR_FILENO);
        close(p[0]);
        close(p[1]);
        fn();
        _exit(0);
    }
    close(p[1]);
    size_t n = 0;
    ssize_t r;
    while (n + 1 < len && (r = read(p[0], err + n, len - 1 - n)) > 0)
        n += (size_t)r;
    err[n] = '\0';
    close(p[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void huge_malloc(void) {
    volatile size_t n = SIZE_MAX / 2 - 4096; /* "negative" sizes upset valgrind */
    void *p = xmalloc(n);
    fprintf(stderr, "returned %p\n", p);
}

static void overflowing_calloc(void) {
    volatile size_t n = SIZE_MAX / 2;
    void *p = xcalloc(n, 16);
    fprintf(stderr, "returned %p\n", p);
}

static void huge_realloc(void) {
    void *p = xmalloc(16);
    volatile size_t n = SIZE_MAX / 2 - 4096; /* "negative" sizes upset valgrind */
    p = xrealloc(p, n);
    fprintf(stderr, "returned %p\n", p);
}

static void allocation_failure_exits_with_a_message(void **state) {
    (void)state;
    char err[512];
    xalloc_init("benchlab-load"); /* the message names the program */
    assert_int_equal(in_child(huge_malloc, err, sizeof err), 1);
    assert_non_null(strstr(err, "benchlab-load: out of memory ("));
    assert_null(strstr(err, "returned"));
    assert_int_equal(in_child(overflowing_calloc, err, sizeof err), 1);
    assert_non_null(strstr(err, "benchlab-load: out of memory"));
    assert_int_equal(in_child(huge_realloc, err, sizeof err), 1);
    assert_non_null(strstr(err, "benchlab-load: out of memory"));
}

static void jansson_allocates_through_xmalloc(void **state) {
    (void)state;
    xalloc_init("benchlab-load");
    json_malloc_t m = NULL;
    json_free_t f = NULL;
    json_get_alloc_funcs(&m, &f);
    assert_ptr_equal(m, xmalloc);
    json_t *j = json_pack("{s:[i,i]}", "a", 1, 2);
    assert_non_null(j);
    json_decref(j);
}

static void small_allocations_work(void **state) {
    (void)state;
    char *a = xstrdup("hello");
    assert_string_equal(a, "hello");
    char *b = xstrndup("hello world", 5);
    assert_string_equal(b, "hello");
    int *z = xcalloc(0, sizeof *z); /* never NULL, even for zero bytes */
    assert_non_null(z);
    char *m = xmalloc(0);
    assert_non_null(m);
    m = xrealloc(m, 100);
    memset(m, 1, 100);
    free(a);
    free(b);
    free(z);
    free(m);
}

static void capacity_within_and_beyond(void **state) {
    (void)state;
    char err[512] = "";
    assert_int_equal(load_check_capacity(10, 1, 0, 30, err, sizeof err), 0);
    assert_int_equal(load_check_capacity(100, 2, 1000, 30, err, sizeof err), 0);
    struct rlimit rl;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
    if (rl.rlim_max != RLIM_INFINITY) {
        long too_many = (long)rl.rlim_max; /* plus the reserve: over */
        assert_int_equal(load_check_capacity(too_many, 1, 0, 30, err, sizeof err), -1);
        assert_non_null(strstr(err, "RLIMIT_NOFILE"));
    }
    assert_true(load_vu_bytes() >= 8192); /* the response line buffer alone */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(allocation_failure_exits_with_a_message),
        cmocka_unit_test(jansson_allocates_through_xmalloc),
        cmocka_unit_test(small_allocations_work),
        cmocka_unit_test(capacity_within_and_beyond),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
