/* The report's validity pass (see report_validity.h). */
#include "lab/report_validity.h"

#include <stdlib.h>
#include <string.h>

int report_validity_pass(results_t *r, const validity_rules_t *rules, validity_tally_t *tally) {
    validity_tally_t t;
    memset(&t, 0, sizeof t);
    for (size_t i = 0; i < r->nruns; i++) {
        results_run_t *run = &r->runs[i];
        t.runs++;
        t.were_invalid += !run->valid;
        size_t plen = strlen(r->dir) + strlen(run->path) + 64;
        char *ts = malloc(plen);
        if (!ts)
            return -1;
        size_t n = strlen(run->path);
        snprintf(ts, plen, "%s/raw/%.*s.timeseries.jsonl", r->dir, (int)(n > 5 ? n - 5 : n),
                 run->path); /* run-NN.json -> run-NN.timeseries.jsonl */
        double *series = NULL;
        size_t ns = validity_load_series(ts, &series);
        free(ts);
        json_t *reasons = json_object_get(run->root, "invalid_reasons");
        if (!json_is_array(reasons)) {
            reasons = json_array();
            json_object_set_new(run->root, "invalid_reasons", reasons);
        }
        unsigned checked = 0;
        unsigned broken = validity_judge(rules, run->root, series, ns, reasons, &checked);
        free(series);
        for (int k = 0; k < VRULE_COUNT; k++) {
            t.checked[k] += (checked >> k) & 1u;
            t.broken[k] += (broken >> k) & 1u;
            if (run->valid && broken == (1u << k))
                t.only[k]++;
        }
        if (broken && run->valid) {
            t.newly_invalid++;
            run->valid = false;
            json_object_set_new(run->root, "valid", json_false());
        }
    }
    if (tally)
        *tally = t;
    return results_regroup(r);
}

void report_validity_print(FILE *f, const validity_tally_t *t) {
    fprintf(f, "%-20s %8s %8s %8s\n", "rule", "checked", "invalid", "alone");
    for (int k = 0; k < VRULE_COUNT; k++)
        fprintf(f, "%-20s %8zu %8zu %8zu\n", validity_rule_name((validity_rule_t)k), t->checked[k],
                t->broken[k], t->only[k]);
    fprintf(
        f, "runs: %zu, invalid by the recorded rules: %zu, newly invalid: %zu, valid now: %zu\n",
        t->runs, t->were_invalid, t->newly_invalid, t->runs - t->were_invalid - t->newly_invalid);
    fprintf(f, "(checked: runs that recorded what the rule needs; invalid: runs it breaks, "
               "valid before or not; alone: valid runs no other rule breaks)\n");
}

int report_validity_rules(const results_t *r, validity_rules_t *rules, char *err, size_t errlen) {
    validity_defaults(rules);
    json_t *v = json_object_get(json_object_get(r->manifest, "profile_file"), "validity");
    return validity_parse(rules, v, "manifest.json: profile_file", err, errlen);
}

void report_validity_macros(FILE *f, const validity_rules_t *r) {
    struct {
        const char *key;
        double v;
    } k[] = {{"max-overrun", r->max_overrun * 100},
             {"min-requests", r->min_requests},
             {"max-host-outside", r->max_host_outside * 100},
             {"max-steal", r->max_steal * 100},
             {"max-load-per-cpu", r->max_load_per_cpu},
             {"min-server-cpu", r->min_server_cpu * 100},
             {"trend-level", r->trend_level * 100},
             {"trend-change", r->trend_change * 100},
             {"trend-min-points", r->trend_min_points}};
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        fprintf(f, "\\blset{validity/%s}{\\num{%g}}\n", k[i].key, k[i].v);
}
