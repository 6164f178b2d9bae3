/* The report's validity pass (see report/validity.h). */
#include "lab/report/validity.h"

#include "common/xalloc.h"
#include "lab/report/latex.h"
#include "lab/report/report.h"

#include <math.h>
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
        char *ts = xmalloc(plen);
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
             {"trend-min-points", r->trend_min_points},
             {"driver-saturated", 90}}; /* benchlab-load's "saturated" (docs/results-format.md) */
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        fprintf(f, "\\blset{validity/%s}{\\num{%g}}\n", k[i].key, k[i].v);
}

/* The highest driver utilisation over a cell's runs (valid or not), NaN when
 * no run recorded one. */
static double driver_util(const results_cell_t *c) {
    double best = NAN;
    for (int pass = 0; pass < 2; pass++) {
        results_run_t **runs = pass ? c->invalid : c->valid;
        size_t n = pass ? c->ninvalid : c->nvalid;
        for (size_t i = 0; i < n; i++) {
            double u = results_json_number(runs[i]->summary, "driver.busiest_thread_util");
            if (!isnan(u) && (isnan(best) || u > best))
                best = u;
        }
    }
    return best;
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median server-box cores over the valid runs; NaN without a box. */
static double server_cores(const results_cell_t *c) {
    double v[256];
    size_t n = 0;
    for (size_t i = 0; i < c->nvalid && n < 256; i++) {
        json_t *root = c->valid[i]->root;
        double u = results_json_number(root, "boxes.server.cpu_user_s"),
               s = results_json_number(root, "boxes.server.cpu_sys_s"),
               w = results_json_number(root, "wall_s");
        if (!isnan(u) && !isnan(s) && w > 0)
            v[n++] = (u + s) / w;
    }
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The longest load phase over planned duration, over every run. */
static double max_overrun(const results_cell_t *c) {
    double best = NAN;
    for (int pass = 0; pass < 2; pass++) {
        results_run_t **runs = pass ? c->invalid : c->valid;
        size_t n = pass ? c->ninvalid : c->nvalid;
        for (size_t i = 0; i < n; i++) {
            double d = results_json_number(runs[i]->summary, "timing.duration_s"),
                   p = results_json_number(runs[i]->root, "params.duration_s");
            if (d > 0 && p > 0 && (isnan(best) || d / p > best))
                best = d / p;
        }
    }
    return best;
}

int report_validity_table(const struct report *rep, const char *dir, char *err, size_t errlen) {
    FILE *f = report_table_open(dir, "validity", err, errlen);
    if (!f)
        return -1;
    /* a longtable, as the every-cell table: one row per cell, across pages
     * (the paper's appendix gives \blvaliditycaption, on one-column pages) */
    static const char head[] = "Scenario & Configuration & Runs & Driver busiest & Server box & "
                               "Load phase / \\\\\n"
                               " & & valid/all & thread (\\%, max) & (cores, median) & planned "
                               "(max) \\\\\n";
    fprintf(f,
            "\\begin{longtable}{@{}llrrrr@{}}\n"
            "\\caption{\\blvaliditycaption}\\label{tab:validity}\\\\\n"
            "\\toprule\n%s\\midrule\n\\endfirsthead\n"
            "\\multicolumn{6}{@{}l}{\\textit{Table~\\ref{tab:validity}, continued}}\\\\\n"
            "\\toprule\n%s\\midrule\n\\endhead\n"
            "\\midrule\n\\multicolumn{6}{r@{}}{\\textit{continued on the next page}}\\\\\n"
            "\\endfoot\n\\bottomrule\n\\endlastfoot\n",
            head, head);
    for (size_t i = 0; i < rep->ncells; i++) {
        const results_cell_t *c = rep->cells[i].cell;
        latex_escape(f, c->scenario);
        fputs(" & ", f);
        latex_escape(f, c->config);
        fprintf(f, " & %zu/%zu & ", c->nvalid, c->nvalid + c->ninvalid);
        latex_num(f, driver_util(c) * 100);
        fputs(" & ", f);
        latex_num(f, server_cores(c));
        fputs(" & ", f);
        latex_num(f, max_overrun(c));
        fputs(" \\\\\n", f);
    }
    if (rep->ncells == 0)
        fputs("\\multicolumn{6}{c}{not measured} \\\\\n", f);
    fputs("\\end{longtable}\n", f);
    return report_table_close(f, dir, "validity", err, errlen);
}

/* Median over the valid runs of db.<field> / requests; NaN without "db". */
static double db_per_request(const results_cell_t *c, const char *field) {
    double v[256];
    size_t n = 0;
    char path[64];
    snprintf(path, sizeof path, "db.%s", field);
    for (size_t i = 0; i < c->nvalid && n < 256; i++) {
        double x = results_json_number(c->valid[i]->root, path),
               reqs = results_json_number(c->valid[i]->summary, "metrics.http_reqs.count");
        if (!isnan(x) && reqs > 0)
            v[n++] = x / reqs;
    }
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void report_driver_macros(FILE *f, const struct report *rep) {
    for (size_t i = 0; i < rep->ncells; i++) {
        const results_cell_t *c = rep->cells[i].cell;
        fprintf(f, "\\blset{cell/%s/%s/driver-util}{", c->scenario, c->config);
        latex_num(f, driver_util(c) * 100);
        fputs("}\n", f);
        double calls = db_per_request(c, "calls"), ms = db_per_request(c, "exec_ms");
        if (isnan(calls))
            continue;
        fprintf(f, "\\blset{cell/%s/%s/db-calls-per-req}{", c->scenario, c->config);
        latex_num(f, calls);
        fprintf(f, "}\n\\blset{cell/%s/%s/db-ms-per-req}{", c->scenario, c->config);
        latex_num(f, ms);
        fputs("}\n", f);
    }
}
