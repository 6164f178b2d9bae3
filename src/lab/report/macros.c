/* paper/generated/macros.tex: one macro per number the text may quote.
 *
 * Each number is stored under a key, e.g. \blset{cmp/pagination}{\num{2.31}};
 * the paper prints it with \result{cmp/pagination} (defined in main.tex, which
 * prints "n/m" for a key a results set lacks). Keys:
 *   s/<scenario>/<m>            default configuration of a scenario
 *   cell/<scenario>/<config>/<m> any configuration
 *   s/<scenario>/<group>/<m>    a group, default configuration
 *   cell/<scenario>/<config>/<group>/<m>
 *     <m> = rps rps-lo rps-hi rps-cv throughput p50 p90 p95 p99 p99.9 mean valid invalid
 *   cmp/<id>, cmp/<id>/lo, cmp/<id>/hi, cmp/<id>/pct   ratios (pct = (ratio-1)*100)
 *   val/<id>, val/<id>/lo, val/<id>/hi, val/<id>/pct, val/<id>/n
 *   pub/<row>/<implementation>  the study's published numbers
 *   pub/machine, pub/averaging, pub/date  where and how they were measured
 *   hl/..., rank-...            the headline comparison (see headline_keys)
 *   claims/total|holds|fails|inconclusive|notmeasured|point-holds|point-fails,
 *   prose/<id>                  a direction word chosen from an interval (prose.h)
 *   study/..., host/... */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lab/report/openload.h"
#include "lab/report/driver_bound.h"
#include "lab/report/claims.h"
#include "lab/report/latex.h"
#include "lab/report/prose.h"
#include "lab/report/report.h"
#include "lab/report/coverage.h"
#include "lab/report/validity.h"

static void key_num(FILE *f, const char *key, double x) {
    fputs("\\blset{", f);
    fputs(key, f);
    fputs("}{", f);
    latex_num(f, x);
    fputs("}\n", f);
}

static void key_int(FILE *f, const char *key, long long x) {
    fprintf(f, "\\blset{%s}{\\num{%lld}}\n", key, x);
}

static void key_text(FILE *f, const char *key, const char *text) {
    fprintf(f, "\\blset{%s}{", key);
    latex_escape(f, text);
    fputs("}\n", f);
}

static void cell_keys(FILE *f, const char *prefix, const report_cell_t *c) {
    char k[1024];
#define K(suffix) (snprintf(k, sizeof k, "%s/%s", prefix, suffix), k)
    key_num(f, K("rps"), c->rps.median);
    key_num(f, K("rps-lo"), c->rps.median_ci.lo);
    key_num(f, K("rps-hi"), c->rps.median_ci.hi);
    key_num(f, K("rps-cv"), c->rps.cv * 100);
    key_num(f, K("throughput"), c->throughput);
    key_num(f, K("mean"), c->mean_ms);
    static const char *pn[REPORT_NPCT] = {"p50", "p90", "p95", "p99", "p99.9"};
    for (int i = 0; i < REPORT_NPCT; i++)
        key_num(f, K(pn[i]), c->pct_ms[i]);
    key_int(f, K("valid"), (long long)c->cell->nvalid);
    key_int(f, K("invalid"), (long long)c->cell->ninvalid);
    for (size_t g = 0; g < c->ngroups; g++) {
        const report_group_t *rg = &c->groups[g];
        char gp[1024];
        snprintf(gp, sizeof gp, "%s/%s", prefix, rg->name);
        char k2[1100];
#define KG(suffix) (snprintf(k2, sizeof k2, "%s/%s", gp, suffix), k2)
        key_num(f, KG("rps"), rg->rps.median);
        key_num(f, KG("mean"), rg->mean_ms);
        for (int i = 0; i < REPORT_NPCT; i++)
            key_num(f, KG(pn[i]), rg->pct_ms[i]);
#undef KG
    }
#undef K
}

static void host_keys(FILE *f, const json_t *m) {
    static const char *text[][2] = {
        {"host/cpu", "host.cpu_model"},
        {"host/kernel", "host.kernel"},
        {"study/plan", "plan"},
        {"study/profile", "profile"},
        {"study/commit", "git.commit"},
        {"study/started", "started_at"},
        {"study/ended", "ended_at"},
        {"version/postgresql", "versions.postgresql"},
        {"version/redis", "versions.redis"},
        {"version/ulfius", "versions.ulfius"},
        {"version/libmicrohttpd", "versions.libmicrohttpd"},
        {"version/compiler", "versions.compiler"},
    };
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
        json_t *v = results_json_path((json_t *)m, text[i][1]);
        key_text(f, text[i][0], json_is_string(v) ? json_string_value(v) : "unknown");
    }
    double cores = results_json_number((json_t *)m, "host.cores");
    double mem = results_json_number((json_t *)m, "host.memory_bytes");
    key_int(f, "host/cores", isnan(cores) ? 0 : (long long)cores);
    key_num(f, "host/memory-gib", mem / (1024.0 * 1024 * 1024));
    /* where things ran: the driver's CPUs and each box's limits, from the profile */
    json_t *dc = json_object_get(m, "driver_cpuset");
    key_text(f, "study/driver-cpuset", json_is_string(dc) ? json_string_value(dc) : "unknown");
    json_t *backend = json_object_get(m, "box_backend_detail");
    key_text(f, "study/box-backend",
             json_is_string(backend) ? json_string_value(backend) : "unknown");
    const char *box;
    json_t *bj;
    json_object_foreach(results_json_path((json_t *)m, "profile_file.boxes"), box, bj) {
        char key[256];
        json_t *cpuset = json_object_get(bj, "cpuset"), *mem = json_object_get(bj, "memory");
        snprintf(key, sizeof key, "box/%s/cpus", box);
        double cpus = results_json_number(bj, "cpus");
        if (!isnan(cpus) && cpus == floor(cpus))
            key_int(f, key, llround(cpus)); /* a setting, not a measurement: "1", not "1.00" */
        else
            key_num(f, key, cpus);
        snprintf(key, sizeof key, "box/%s/cpuset", box);
        key_text(f, key, json_is_string(cpuset) ? json_string_value(cpuset) : "any");
        snprintf(key, sizeof key, "box/%s/memory", box);
        key_text(f, key, json_is_string(mem) ? json_string_value(mem) : "unlimited");
    }
    /* the run order (study/run_order.c records it in the manifest) and the
     * sentence the threats section prints about it */
    const char *order = json_string_value(results_json_path((json_t *)m, "order.mode"));
    bool interleaved = order && strcmp(order, "interleaved") == 0;
    key_text(f, "study/order", interleaved ? "interleaved" : "sequential");
    fprintf(f, "\\blset{study/order-text}{%s}\n", /* LaTeX as written: not escaped */
            interleaved ? "The runs were randomized interleaved trials~\\cite{abedi2017}: the "
                          "runs of all cells took turns in a seeded order recorded in the "
                          "manifest, the server restarted and warmed up before every run, so a "
                          "drift of the host spreads over the cells instead of landing on one."
                        : "The runs of one cell followed each other in one server process after "
                          "one warm-up, so a drift of the host during a cell lands on that cell; "
                          "\\texttt{benchlab run --order interleaved} runs randomized "
                          "interleaved trials~\\cite{abedi2017} instead.");
    bool synthetic = json_is_true(json_object_get(m, "synthetic"));
    key_text(f, "study/synthetic", synthetic ? "yes" : "no");
    /* main.tex declares \newif\ifblsynthetic and warns in large type when set */
    fprintf(f, "\\blsynthetic%s\n", synthetic ? "true" : "false");
}

/* The headline comparison: per row hl/<row>/<impl> (median req/s) with -lo, -hi
 * and /n; rank-ours-<row>, rank-study-<row>, rank-agree-<row>, rank-pos-<row>-<impl>;
 * totals rank-agree-count, rank-disagree-count, rank-compared, rank-agree-sure-count,
 * rank-disagree-sure-count, rank-agree-list, rank-disagree-list, rank-first-<impl>,
 * rank-rows, rank-measured-rows. */
static void headline_keys(FILE *f, const report_t *rep) {
    report_headline_t hl;
    char err[512], key[1024];
    if (report_headline_compute(rep, &hl, err, sizeof err) != 0)
        return; /* report_compute has already rejected a malformed headline */
    size_t measured = 0;
    char agree_list[2048] = "", disagree_list[2048] = "";
    for (size_t i = 0; i < hl.nrows; i++) {
        const report_hl_row_t *r = &hl.rows[i];
        for (size_t k = 0; k < hl.nimpls; k++) {
            const report_cell_t *c = r->cells[k];
            snprintf(key, sizeof key, "hl/%s/%s", r->id, hl.impls[k].id);
            key_num(f, key, c ? c->rps.median : NAN);
            snprintf(key, sizeof key, "hl/%s/%s/lo", r->id, hl.impls[k].id);
            key_num(f, key, c ? c->rps.median_ci.lo : NAN);
            snprintf(key, sizeof key, "hl/%s/%s/hi", r->id, hl.impls[k].id);
            key_num(f, key, c ? c->rps.median_ci.hi : NAN);
            snprintf(key, sizeof key, "hl/%s/%s/n", r->id, hl.impls[k].id);
            key_int(f, key, c ? (long long)c->rps.n : 0);
            snprintf(key, sizeof key, "rank-pos-%s-%s", r->id, hl.impls[k].id);
            if (r->pos[k])
                key_int(f, key, r->pos[k]);
            else
                key_text(f, key, "not measured");
        }
        measured += r->nmeasured == hl.nimpls;
        snprintf(key, sizeof key, "rank-ours-%s", r->id);
        key_text(f, key, r->ours);
        if (hl.pair_a < 0)
            continue;
        snprintf(key, sizeof key, "rank-study-%s", r->id);
        key_text(f, key, r->study);
        snprintf(key, sizeof key, "rank-agree-%s", r->id);
        key_text(f, key, report_hl_agree_name(r->agree));
        char *list = r->agree == HL_AGREE      ? agree_list
                     : r->agree == HL_DISAGREE ? disagree_list
                                               : NULL;
        if (list) {
            size_t len = strlen(list);
            snprintf(list + len, sizeof agree_list - len, "%s%s", len ? ", " : "", r->label);
        }
    }
    key_int(f, "rank-rows", (long long)hl.nrows);
    key_int(f, "rank-measured-rows", (long long)measured); /* every implementation measured */
    for (size_t k = 0; k < hl.nimpls; k++) {
        snprintf(key, sizeof key, "rank-first-%s", hl.impls[k].id);
        key_int(f, key, (long long)hl.first[k]);
    }
    if (hl.pair_a >= 0) {
        key_int(f, "rank-compared", (long long)hl.compared);
        key_int(f, "rank-agree-count", (long long)hl.agree);
        key_int(f, "rank-disagree-count", (long long)hl.disagree);
        key_int(f, "rank-agree-sure-count", (long long)hl.agree_sure);
        key_int(f, "rank-disagree-sure-count", (long long)hl.disagree_sure);
        key_text(f, "rank-agree-list", agree_list[0] ? agree_list : "none");
        key_text(f, "rank-disagree-list", disagree_list[0] ? disagree_list : "none");
    }
    report_headline_free(&hl);
}

/* The most common value of params.<key> over all valid runs (NaN if none):
 * what "a run" of this study looks like, for the text. */
static double common_param(const results_t *r, const char *key) {
    double best = NAN;
    size_t best_n = 0;
    for (size_t i = 0; i < r->nruns; i++) {
        double v = results_json_number(json_object_get(r->runs[i].root, "params"), key);
        if (!r->runs[i].valid || isnan(v))
            continue;
        size_t n = 0;
        for (size_t j = 0; j < r->nruns; j++)
            n += r->runs[j].valid &&
                 results_json_number(json_object_get(r->runs[j].root, "params"), key) == v;
        if (n > best_n || (n == best_n && v < best))
            best = v, best_n = n;
    }
    return best;
}

int report_write_macros(const report_t *rep, const claims_t *claims, const claims_t *strict,
                        const char *path, char *err, size_t errlen) {
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "%s: cannot write", path);
        return -1;
    }
    fputs("% Generated by `benchlab report`; do not edit.\n"
          "\\providecommand{\\blset}[2]{\\expandafter\\def\\csname bl@#1\\endcsname{#2}}\n",
          f);
    const results_t *r = rep->results;
    size_t valid = 0, invalid = 0, minv = (size_t)-1, maxv = 0;
    for (size_t i = 0; i < r->ncells; i++) {
        valid += r->cells[i].nvalid;
        invalid += r->cells[i].ninvalid;
        minv = r->cells[i].nvalid < minv ? r->cells[i].nvalid : minv;
        maxv = r->cells[i].nvalid > maxv ? r->cells[i].nvalid : maxv;
    }
    key_int(f, "study/runs", (long long)(valid + invalid));
    key_int(f, "study/valid", (long long)valid);
    key_int(f, "study/invalid", (long long)invalid);
    key_int(f, "study/warmup", (long long)r->nwarmup);
    key_int(f, "study/cells", (long long)r->ncells);
    key_int(f, "study/min-runs", (long long)(r->ncells ? minv : 0));
    key_int(f, "study/max-runs", (long long)maxv);
    double vus = common_param(r, "vus"), dur = common_param(r, "duration_s");
    if (isnan(vus))
        key_num(f, "study/vus", vus);
    else
        key_int(f, "study/vus", llround(vus));
    if (!isnan(dur) && dur == floor(dur))
        key_int(f, "study/duration-s", llround(dur));
    else
        key_num(f, "study/duration-s", dur);
    key_int(f, "study/confidence", (long long)llround(rep->cfg.level * 100));
    key_int(f, "study/resamples", (long long)rep->cfg.resamples);
    key_int(f, "study/seed", (long long)rep->cfg.seed);
    size_t lo, hi;
    double cov = stats_median_ci_ranks(10, rep->cfg.level, &lo, &hi);
    if (r->ncells && minv > 0) {
        size_t mlo, mhi; /* what the smallest cell's interval really covers */
        key_num(f, "study/min-runs-coverage",
                stats_median_ci_ranks(minv, rep->cfg.level, &mlo, &mhi) * 100);
    }
    key_int(f, "study/ci10-lo", (long long)lo); /* the worked example of the method */
    key_int(f, "study/ci10-hi", (long long)hi);
    key_num(f, "study/ci10-coverage", cov * 100);
    if (r->manifest)
        host_keys(f, r->manifest);

    char key[1024];
    for (size_t i = 0; i < rep->ncells; i++) {
        const report_cell_t *c = &rep->cells[i];
        snprintf(key, sizeof key, "cell/%s/%s", c->cell->scenario, c->cell->config);
        cell_keys(f, key, c);
        if (report_find_cell(rep, c->cell->scenario, NULL) == c) {
            snprintf(key, sizeof key, "s/%s", c->cell->scenario);
            cell_keys(f, key, c);
        }
    }
    for (size_t i = 0; i < rep->nratios; i++) {
        const report_ratio_t *x = &rep->ratios[i];
        snprintf(key, sizeof key, "cmp/%s", x->id);
        key_num(f, key, x->ratio);
        snprintf(key, sizeof key, "cmp/%s/lo", x->id);
        key_num(f, key, x->ci.lo);
        snprintf(key, sizeof key, "cmp/%s/hi", x->id);
        key_num(f, key, x->ci.hi);
        snprintf(key, sizeof key, "cmp/%s/pct", x->id);
        key_num(f, key, (x->ratio - 1) * 100);
    }
    for (size_t i = 0; i < rep->nvalues; i++) {
        const report_value_t *v = &rep->values[i];
        snprintf(key, sizeof key, "val/%s", v->id);
        key_num(f, key, v->s.median);
        snprintf(key, sizeof key, "val/%s/lo", v->id);
        key_num(f, key, v->s.median_ci.lo);
        snprintf(key, sizeof key, "val/%s/hi", v->id);
        key_num(f, key, v->s.median_ci.hi);
        snprintf(key, sizeof key, "val/%s/pct", v->id);
        key_num(f, key, v->s.median * 100);
        snprintf(key, sizeof key, "val/%s/n", v->id);
        key_int(f, key, (long long)v->s.n);
    }
    static const char *pub_text[][2] = {
        {"pub/machine", "machine"}, {"pub/averaging", "averaging"}, {"pub/date", "date"}};
    for (size_t i = 0; rep->published && i < sizeof pub_text / sizeof pub_text[0]; i++) {
        json_t *v = json_object_get(rep->published, pub_text[i][1]);
        key_text(f, pub_text[i][0], json_is_string(v) ? json_string_value(v) : "unknown");
    }
    json_t *impls = json_object_get(rep->published, "implementations");
    size_t ri;
    json_t *row;
    json_array_foreach(json_object_get(rep->published, "rows"), ri, row) {
        json_t *id = json_object_get(row, "id"), *rps = json_object_get(row, "rps");
        for (size_t k = 0; json_is_string(id) && k < json_array_size(rps); k++) {
            json_t *name = json_array_get(impls, k);
            snprintf(key, sizeof key, "pub/%s/%s", json_string_value(id),
                     json_is_string(name) ? json_string_value(name) : "?");
            key_int(f, key, (long long)json_number_value(json_array_get(rps, k)));
        }
    }
    headline_keys(f, rep);
    report_coverage_macros(f, rep);
    validity_rules_t vr;
    char verr[256];
    if (report_validity_rules(r, &vr, verr, sizeof verr) == 0)
        report_validity_macros(f, &vr);
    report_driver_macros(f, rep);
    report_driver_bound_macros(f, rep->results);
    report_openload_macros(f, rep);
    report_missing_keys(f, rep);
    report_demand_keys(f, rep);
    report_prose_keys(f, rep);
    if (claims) {
        key_int(f, "claims/total", (long long)claims->n);
        key_int(f, "claims/holds", (long long)claims->holds);
        key_int(f, "claims/fails", (long long)claims->fails);
        key_int(f, "claims/notmeasured", (long long)claims->not_measured);
        key_int(f, "claims/inconclusive", (long long)claims->inconclusive);
        if (strict) { /* the point-estimate judgement (cmd/report.c) */
            key_int(f, "claims/point-holds", (long long)strict->holds);
            key_int(f, "claims/point-fails", (long long)strict->fails);
        }
        for (size_t i = 0; i < claims->n; i++) {
            snprintf(key, sizeof key, "claim/%s", claims->items[i].id);
            key_text(f, key, claim_status_name(claims->items[i].status));
        }
    }
    if (fclose(f) != 0) {
        snprintf(err, errlen, "%s: write failed", path);
        return -1;
    }
    return 0;
}
