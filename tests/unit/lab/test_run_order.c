/* Unit tests for src/lab/study/run_order.c: randomized interleaved trials. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/study/run_order.h"

/* Scenario a with units a0..a3 (3 runs, a3 only 2), scenario b with b0, b1. */
static void make_plan(plan_t *p) {
    memset(p, 0, sizeof *p);
    p->nunits = 6;
    p->units = calloc(6, sizeof *p->units);
    const char *sc[6] = {"s/a", "s/b", "s/a", "s/a", "s/b", "s/a"};
    const char *cf[6] = {"a0", "b0", "a1", "a2", "b1", "a3"};
    for (int i = 0; i < 6; i++) {
        snprintf(p->units[i].scenario, sizeof p->units[i].scenario, "%s", sc[i]);
        snprintf(p->units[i].config, sizeof p->units[i].config, "%s", cf[i]);
        p->units[i].runs = i == 5 ? 2 : 3;
    }
}

/* Open-model units at a share of the closed capacity (plan key "load") run
 * after every closed run of their scenario: they read its capacity from disk. */
static void load_units_follow_the_closed_runs(void **state) {
    (void)state;
    plan_t p;
    make_plan(&p);
    p.units[0].load_pct = 80; /* a0 and a2 are open units at 80 % */
    p.units[3].load_pct = 80;
    run_slot_t *o = NULL;
    size_t n = 0;
    for (uint64_t seed = 1; seed < 20; seed++) {
        assert_int_equal(run_order_interleaved(&p, seed, &o, &n), 0);
        assert_int_equal(n, 3 * 5 + 2);
        size_t last_closed = 0, first_open = n;
        for (size_t i = 0; i < n; i++) {
            const plan_unit_t *u = &p.units[o[i].unit];
            if (strcmp(u->scenario, "s/a") != 0)
                continue;
            if (u->load_pct > 0 && i < first_open)
                first_open = i;
            if (u->load_pct == 0)
                last_closed = i;
        }
        assert_true(last_closed < first_open);
        free(o);
    }
    free(p.units);
}

static void every_run_once_trial_by_trial(void **state) {
    (void)state;
    plan_t p;
    make_plan(&p);
    run_slot_t *o;
    size_t n;
    assert_int_equal(run_order_interleaved(&p, 7, &o, &n), 0);
    assert_int_equal(n, 3 + 3 + 3 + 3 + 3 + 2);
    /* scenario a first (plan order), all its runs before any of b */
    for (size_t i = 0; i < 11; i++)
        assert_string_equal(p.units[o[i].unit].scenario, "s/a");
    for (size_t i = 11; i < n; i++)
        assert_string_equal(p.units[o[i].unit].scenario, "s/b");
    /* trial t holds run t of every unit of the scenario, each once */
    size_t at = 0;
    for (int t = 1; t <= 3; t++) {
        int seen = 0, members = t <= 2 ? 4 : 3;
        for (int k = 0; k < members; k++, at++) {
            assert_int_equal(o[at].run, t);
            assert_false(seen & (1 << o[at].unit));
            seen |= 1 << o[at].unit;
        }
    }
    free(o);
    free(p.units);
}

static void the_seed_decides_the_order(void **state) {
    (void)state;
    plan_t p;
    make_plan(&p);
    run_slot_t *a, *b, *c;
    size_t na, nb, nc;
    assert_int_equal(run_order_interleaved(&p, 7, &a, &na), 0);
    assert_int_equal(run_order_interleaved(&p, 7, &b, &nb), 0);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na * sizeof *a); /* reproducible */
    /* some other seed gives another order (24^2 * 6 * 2^3 orders are possible) */
    bool differs = false;
    for (uint64_t seed = 8; seed < 20 && !differs; seed++) {
        assert_int_equal(run_order_interleaved(&p, seed, &c, &nc), 0);
        differs = memcmp(a, c, na * sizeof *a) != 0;
        free(c);
    }
    assert_true(differs);
    /* the manifest's record */
    json_t *j = run_order_json(&p, 7, a, na);
    assert_string_equal(json_string_value(json_object_get(j, "mode")), "interleaved");
    assert_int_equal(json_integer_value(json_object_get(j, "seed")), 7);
    json_t *first = json_array_get(json_object_get(j, "runs"), 0);
    assert_string_equal(json_string_value(json_array_get(first, 0)), "s/a");
    assert_string_equal(json_string_value(json_array_get(first, 1)), p.units[a[0].unit].config);
    assert_int_equal(json_integer_value(json_array_get(first, 2)), 1);
    assert_int_equal(json_array_size(json_object_get(j, "runs")), na);
    json_decref(j);
    free(a);
    free(b);
    free(p.units);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_run_once_trial_by_trial),
        cmocka_unit_test(load_units_follow_the_closed_runs),
        cmocka_unit_test(the_seed_decides_the_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
