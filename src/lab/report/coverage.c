/* Coverage of the printed intervals (see report/coverage.h). */
#include "lab/report/coverage.h"

#include <math.h>
#include <string.h>

#include "lab/report/latex.h"

static bool withheld(const stats_interval_t *ci) {
    return ci->method && strcmp(ci->method, STATS_M_FEW) == 0;
}

void report_interval_cov(FILE *f, const stats_interval_t *ci) {
    if (withheld(ci)) {
        fputs("too few runs", f);
        return;
    }
    if (!isfinite(ci->lo) || !isfinite(ci->hi)) {
        fputs("--", f);
        return;
    }
    fputs("[", f);
    latex_num(f, ci->lo);
    fputs(", ", f);
    latex_num(f, ci->hi);
    fputs("] (", f);
    latex_num(f, ci->coverage * 100);
    fputs("\\,\\%)", f);
}

const char *report_method_short(const stats_interval_t *ci) {
    if (!ci->method)
        return "--";
    if (!strcmp(ci->method, STATS_M_MW) || !strcmp(ci->method, STATS_M_ORDER))
        return "exact";
    return ci->method;
}

static void num_key(FILE *f, const char *key, double x) {
    fprintf(f, "\\blset{%s}{", key);
    latex_num(f, x);
    fputs("}\n", f);
}

static void text_key(FILE *f, const char *key, const char *text) {
    fprintf(f, "\\blset{%s}{", key);
    latex_escape(f, text);
    fputs("}\n", f);
}

/* The coverage of one interval, or its absence in words. */
static void cov_key(FILE *f, const char *key, const stats_interval_t *ci) {
    if (withheld(ci))
        text_key(f, key, "too few runs");
    else if (ci->coverage > 0)
        num_key(f, key, ci->coverage * 100);
    else
        text_key(f, key, "n/a");
}

typedef struct range {
    double lo, hi;
    size_t few, n;
} range_t;

static void widen(range_t *r, const stats_interval_t *ci) {
    if (withheld(ci)) {
        r->few++;
        return;
    }
    if (!(ci->coverage > 0))
        return;
    r->lo = r->n == 0 || ci->coverage < r->lo ? ci->coverage : r->lo;
    r->hi = r->n == 0 || ci->coverage > r->hi ? ci->coverage : r->hi;
    r->n++;
}

/* "75 %", "75--97.9 %" or "none" as LaTeX. */
static void range_key(FILE *f, const char *key, const range_t *r) {
    fprintf(f, "\\blset{%s}{", key);
    if (r->n == 0) {
        fputs("none}\n", f);
        return;
    }
    latex_num(f, r->lo * 100);
    if (r->hi > r->lo) {
        fputs("--", f);
        latex_num(f, r->hi * 100);
    }
    fputs("\\,\\%}\n", f);
}

void report_coverage_macros(FILE *f, const report_t *rep) {
    char key[1200];
    range_t med = {0}, rat = {0};
    for (size_t i = 0; i < rep->ncells; i++) {
        const report_cell_t *c = &rep->cells[i];
        snprintf(key, sizeof key, "cell/%s/%s/rps-cov", c->cell->scenario, c->cell->config);
        cov_key(f, key, &c->rps.median_ci);
        if (report_find_cell(rep, c->cell->scenario, NULL) == c) {
            snprintf(key, sizeof key, "s/%s/rps-cov", c->cell->scenario);
            cov_key(f, key, &c->rps.median_ci);
        }
        if (c->rps.n)
            widen(&med, &c->rps.median_ci);
    }
    bool mw = false, boot = false;
    for (size_t i = 0; i < rep->nratios; i++) {
        const report_ratio_t *x = &rep->ratios[i];
        snprintf(key, sizeof key, "cmp/%s/cov", x->id);
        cov_key(f, key, &x->ci);
        snprintf(key, sizeof key, "cmp/%s/method", x->id);
        text_key(f, key, x->ci.method ? x->ci.method : "not measured");
        if (!isnan(x->ratio))
            widen(&rat, &x->ci);
        mw |= x->ci.method && !strcmp(x->ci.method, STATS_M_MW);
        boot |= x->ci.method && !strcmp(x->ci.method, STATS_M_BOOT);
    }
    for (size_t i = 0; i < rep->nvalues; i++) {
        snprintf(key, sizeof key, "val/%s/cov", rep->values[i].id);
        cov_key(f, key, &rep->values[i].s.median_ci);
    }
    range_key(f, "cov/median", &med);
    range_key(f, "cov/ratio", &rat);
    fprintf(f, "\\blset{cov/median-few}{\\num{%zu}}\n\\blset{cov/ratio-few}{\\num{%zu}}\n", med.few,
            rat.few);
    text_key(f, "cov/ratio-methods",
             mw && boot ? "exact (Mann-Whitney) below 10 runs a side, bootstrap from 10"
             : boot     ? "percentile bootstrap"
             : mw       ? "exact (Mann-Whitney)"
                        : "none");
    fprintf(f, "\\blset{study/min-runs-interval}{\\num{%zu}}\n", rep->cfg.min_runs);
    fprintf(f, "\\blset{study/bootstrap-min-runs}{\\num{%d}}\n", STATS_BOOTSTRAP_MIN_RUNS);
    size_t lo, hi;
    num_key(f, "study/cov-n3", stats_median_ci_ranks(3, rep->cfg.level, &lo, &hi) * 100);
    num_key(f, "study/cov-n5", stats_median_ci_ranks(5, rep->cfg.level, &lo, &hi) * 100);
    const double one[5] = {1, 2, 3, 4, 5};
    num_key(f, "study/cov-mw3", stats_ratio_exact(one, 3, one, 3, rep->cfg.level).coverage * 100);
    num_key(f, "study/cov-mw5", stats_ratio_exact(one, 5, one, 5, rep->cfg.level).coverage * 100);
}
