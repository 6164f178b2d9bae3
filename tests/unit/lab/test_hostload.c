/* Unit tests for src/lab/study/hostload.c: the kernel's own work (irq,
 * softirq, kernel threads) is not counted as other programs' CPU. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "lab/study/hostload.h"

static double num(const json_t *j, const char *k) {
    return json_number_value(json_object_get(j, k));
}

static void kernel_work_is_not_outside(void **state) {
    (void)state;
    host_sample_t a = {.ok = true, .busy_s = 10, .steal_s = 0, .kernel_s = 1, .cpus = 2};
    host_sample_t b = {.ok = true, .busy_s = 14, .steal_s = 0.5, .kernel_s = 2, .cpus = 2};
    json_t *j = host_load_json(&a, &b, 3.0, 2.5, true);
    assert_non_null(j);
    assert_true(fabs(num(j, "busy_s") - 4) < 1e-9);
    assert_true(fabs(num(j, "kernel_s") - 1) < 1e-9);
    assert_true(fabs(num(j, "outside_s") - 0.5) < 1e-9); /* 4 - 1 - 2.5 */
    assert_true(fabs(num(j, "steal_s") - 0.5) < 1e-9);
    json_decref(j);
}

static void exited_kernel_threads_do_not_add(void **state) {
    (void)state;
    /* a kernel thread that exited takes its time out of the sum */
    host_sample_t a = {.ok = true, .busy_s = 10, .kernel_s = 3, .cpus = 2};
    host_sample_t b = {.ok = true, .busy_s = 12, .kernel_s = 2, .cpus = 2};
    json_t *j = host_load_json(&a, &b, 1.0, 0.5, true);
    assert_true(num(j, "kernel_s") == 0);
    assert_true(fabs(num(j, "outside_s") - 1.5) < 1e-9);
    json_decref(j);
    host_sample_t bad = {.ok = false};
    assert_null(host_load_json(&a, &bad, 1.0, 0.5, true));
}

static void sample_reads_this_host(void **state) {
    (void)state;
    host_sample_t s;
    host_sample(&s);
#ifdef __linux__
    assert_true(s.ok);
    assert_true(s.cpus >= 1);
    assert_true(s.kernel_s >= 0);
    assert_true(s.busy_s + 1.0 >= s.kernel_s); /* kernel threads run in system time */
#else
    assert_false(s.ok);
#endif
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kernel_work_is_not_outside),
        cmocka_unit_test(exited_kernel_threads_do_not_add),
        cmocka_unit_test(sample_reads_this_host),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
