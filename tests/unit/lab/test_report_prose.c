/* Unit tests for the prose/<id> macros: the word follows the interval. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lab/report/prose.h"

static void choice_follows_the_interval(void **state) {
    (void)state;
    assert_string_equal(report_prose_choice(1.2, 1.9, "up", "down", "same"), "up");
    assert_string_equal(report_prose_choice(0.4, 0.9, "up", "down", "same"), "down");
    assert_string_equal(report_prose_choice(0.9, 1.2, "up", "down", "same"), "same");
    /* an interval touching 1 does not exclude it */
    assert_string_equal(report_prose_choice(1.0, 1.5, "up", "down", "same"), "same");
    assert_string_equal(report_prose_choice(0.5, 1.0, "up", "down", "same"), "same");
    /* too few runs: no interval, no direction */
    assert_string_equal(report_prose_choice(NAN, NAN, "up", "down", "same"), "same");
}

/* The macro a report with one ratio writes, into buf. */
static void keys_for(double ratio, double lo, double hi, char *buf, size_t len) {
    report_t rep;
    memset(&rep, 0, sizeof rep);
    rep.cfg.root =
        json_pack("{s:[{s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s, s:s}]}", "prose", "id",
                  "hit", "comparison", "cache-hit", "above", "faster than", "below", "slower than",
                  "neither", "indistinguishable from", "id", "other", "comparison", "unknown",
                  "above", "a", "below", "b", "neither", "c");
    report_ratio_t r;
    memset(&r, 0, sizeof r);
    r.id = "cache-hit";
    r.ratio = ratio;
    r.ci.lo = lo;
    r.ci.hi = hi;
    rep.ratios = &r;
    rep.nratios = 1;
    FILE *f = tmpfile();
    assert_non_null(f);
    report_prose_keys(f, &rep);
    rewind(f);
    size_t n = fread(buf, 1, len - 1, f);
    buf[n] = '\0';
    fclose(f);
    json_decref(rep.cfg.root);
}

static void macro_flips_with_the_data(void **state) {
    (void)state;
    char buf[512];
    keys_for(1.7, 1.4, 2.0, buf, sizeof buf);
    assert_string_equal(buf, "\\blset{prose/hit}{faster than}\n");
    keys_for(0.6, 0.5, 0.8, buf, sizeof buf);
    assert_string_equal(buf, "\\blset{prose/hit}{slower than}\n");
    keys_for(1.1, 0.9, 1.3, buf, sizeof buf);
    assert_string_equal(buf, "\\blset{prose/hit}{indistinguishable from}\n");
    /* a comparison not measured writes nothing, so the text shows n/m */
    keys_for(NAN, NAN, NAN, buf, sizeof buf);
    assert_string_equal(buf, "");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(choice_follows_the_interval),
        cmocka_unit_test(macro_flips_with_the_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
