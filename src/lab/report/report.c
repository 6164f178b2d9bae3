/* Statistics of a results directory: cells, ratios with bootstrap intervals, values. */
#include "lab/report/report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/xalloc.h"
#include "lab/results/demand.h"
#include "lab/results/hist.h"

const double report_percentiles[REPORT_NPCT] = {50, 90, 95, 99, 99.9};

int report_config_load(report_config_t *cfg, const char *path, char *err, size_t errlen) {
    memset(cfg, 0, sizeof *cfg);
    json_error_t je;
    cfg->root = json_load_file(path, 0, &je);
    if (!cfg->root) {
        snprintf(err, errlen, "%s:%d: %s", path, je.line, je.text);
        return -1;
    }
    cfg->path = xstrdup(path);
    json_t *dc = json_object_get(cfg->root, "default_config");
    cfg->default_config = json_is_string(dc) ? json_string_value(dc) : NULL;
    json_t *lvl = json_object_get(cfg->root, "confidence");
    cfg->level = json_is_number(lvl) ? json_number_value(lvl) : 0.95;
    json_t *res = results_json_path(cfg->root, "bootstrap.resamples");
    json_t *seed = results_json_path(cfg->root, "bootstrap.seed");
    cfg->resamples = json_is_integer(res) ? (unsigned)json_integer_value(res) : 2000;
    cfg->seed = json_is_integer(seed) ? (uint64_t)json_integer_value(seed) : 1;
    json_t *mr = json_object_get(cfg->root, "min_runs");
    cfg->min_runs =
        json_is_integer(mr) && json_integer_value(mr) >= 1 ? (size_t)json_integer_value(mr) : 3;
    if (mr && !(json_is_integer(mr) && json_integer_value(mr) >= 1)) {
        snprintf(err, errlen, "%s: min_runs: expected an integer >= 1", path);
        report_config_free(cfg);
        return -1;
    }
    if (!(cfg->level > 0 && cfg->level < 1) || cfg->resamples > 1000000) {
        snprintf(err, errlen, "%s: confidence must be in (0, 1), bootstrap.resamples <= 1000000",
                 path);
        report_config_free(cfg);
        return -1;
    }
    return 0;
}

void report_config_free(report_config_t *cfg) {
    json_decref(cfg->root);
    free(cfg->path);
    memset(cfg, 0, sizeof *cfg);
}

void report_slug(const char *in, char *out, size_t len) {
    size_t k = 0;
    for (; *in && k + 1 < len; in++) {
        char c = *in;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '-' || c == '_';
        out[k++] = ok ? c : '-';
    }
    out[k] = '\0';
}

/* Merges one histogram of every valid run of a cell (group NULL = whole run). */
static int merged_hist(const char *dir, const results_cell_t *cell, const char *group,
                       results_hist_t *out, char *err, size_t errlen) {
    results_hist_init(out);
    for (size_t i = 0; i < cell->nvalid; i++) {
        json_t *hs = json_object_get(cell->valid[i]->summary, "histograms");
        json_t *hj = group ? json_object_get(json_object_get(hs, "groups"), group)
                           : json_object_get(hs, "http_req_duration");
        if (!hj)
            continue;
        results_hist_t h;
        char e[256];
        if (results_hist_from_json(&h, hj, e, sizeof e) != 0 ||
            results_hist_merge(out, &h, e, sizeof e) != 0) {
            snprintf(err, errlen, "%s/raw/%s: %s", dir, cell->valid[i]->path, e);
            results_hist_free(&h);
            results_hist_free(out);
            return -1;
        }
        results_hist_free(&h);
    }
    return 0;
}

static void hist_stats(const results_hist_t *h, double *pct, double *mean, uint64_t *count) {
    for (int k = 0; k < REPORT_NPCT; k++)
        pct[k] = results_hist_percentile_us(h, report_percentiles[k]) / 1000.0;
    *mean = results_hist_mean_us(h) / 1000.0;
    *count = h->count;
}

/* The configured min_runs of the report being computed (report_compute sets it). */
static size_t min_runs = 3;

static void summarize_metric(const metric_spec_t *m, const results_cell_t *cell, double level,
                             stats_summary_t *out) {
    double *v = xmalloc((cell->nvalid ? cell->nvalid : 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; v && i < cell->nvalid; i++) {
        double x = metric_of_run(m, cell->valid[i]);
        if (!isnan(x))
            v[n++] = x;
    }
    stats_summarize(v, n, level, out);
    stats_apply_min_runs(out, min_runs);
    free(v);
}

static int compute_cell(report_cell_t *rc, const char *dir, const results_cell_t *cell,
                        double level, char *err, size_t errlen) {
    memset(rc, 0, sizeof *rc);
    rc->cell = cell;
    metric_spec_t m = {.kind = METRIC_RPS};
    summarize_metric(&m, cell, level, &rc->rps);
    for (int b = 0; b < DEMAND_NBOXES; b++) {
        metric_spec_t d = {.kind = METRIC_CPU_US, .box = demand_boxes[b]};
        summarize_metric(&d, cell, level, &rc->cpu_us[b]);
    }
    double reqs = 0, secs = 0, passes = 0, all = 0;
    for (size_t i = 0; i < cell->nvalid; i++) {
        json_t *s = cell->valid[i]->summary;
        double c = results_json_number(s, "metrics.http_reqs.count");
        double d = results_json_number(s, "timing.duration_s");
        if (!isnan(c) && d > 0)
            reqs += c, secs += d;
        double p = results_json_number(s, "metrics.checks.passes");
        double f = results_json_number(s, "metrics.checks.fails");
        if (!isnan(p) && !isnan(f))
            passes += p, all += p + f;
    }
    rc->throughput = secs > 0 ? reqs / secs : NAN;
    rc->checks_rate = all > 0 ? passes / all : NAN;
    results_hist_t h;
    if (merged_hist(dir, cell, NULL, &h, err, errlen) != 0)
        return -1;
    hist_stats(&h, rc->pct_ms, &rc->mean_ms, &rc->count);
    results_hist_free(&h);

    const results_run_t *first = cell->nvalid ? cell->valid[0] : cell->invalid[0];
    json_t *params = json_object_get(first->root, "params");
    rc->rate = results_json_number(params, "rate");
    rc->server_cpus = results_json_number(params, "server_cpus");
    double w = results_json_number(params, "workers");
    rc->workers = isnan(w) ? 0 : (int)w;
    double th_n = results_json_number(params, "threads");
    rc->threads = isnan(th_n) ? 0 : (int)th_n;
    double vus = results_json_number(params, "vus");
    rc->vus = isnan(vus) ? 0 : (int)vus;
    json_t *th = json_object_get(params, "threading");
    rc->threading = json_is_string(th) ? json_string_value(th) : "";
    json_t *impl = json_object_get(first->root, "implementation");
    rc->implementation = json_is_string(impl) ? json_string_value(impl) : "";
    json_t *om = json_object_get(first->summary, "open_model");
    rc->open_model = json_is_object(om);

    size_t ng = 0;
    const char **names = results_cell_groups(cell, &ng);
    rc->groups = ng ? xcalloc(ng, sizeof *rc->groups) : NULL;
    for (size_t g = 0; rc->groups && g < ng; g++) {
        report_group_t *rg = &rc->groups[g];
        rg->name = names[g];
        metric_spec_t gm = {.kind = METRIC_RPS, .group = (char *)names[g]};
        summarize_metric(&gm, cell, level, &rg->rps);
        if (merged_hist(dir, cell, names[g], &h, err, errlen) != 0) {
            free(names);
            return -1;
        }
        hist_stats(&h, rg->pct_ms, &rg->mean_ms, &rg->count);
        results_hist_free(&h);
        rc->ngroups++;
    }
    free(names);
    return 0;
}

static int add_ratio(report_t *rep, const char *id, const char *label, metric_spec_t *num,
                     metric_spec_t *den) {
    report_ratio_t *grown = xrealloc(rep->ratios, (rep->nratios + 1) * sizeof *grown);
    if (!grown)
        return -1;
    rep->ratios = grown;
    report_ratio_t *r = &rep->ratios[rep->nratios++];
    memset(r, 0, sizeof *r);
    r->id = xstrdup(id);
    r->label = xstrdup(label);
    r->num = *num;
    r->den = *den;
    double *a = metric_values(num, rep->results, rep->cfg.default_config, &r->nnum, NULL);
    double *b = metric_values(den, rep->results, rep->cfg.default_config, &r->nden, NULL);
    /* Each ratio gets its own seed derived from the configured one and its
     * position, so adding a comparison does not change the others' intervals. */
    r->ratio = stats_ratio_interval(a, r->nnum, b, r->nden, rep->cfg.level, rep->cfg.min_runs,
                                    rep->cfg.resamples, rep->cfg.seed + rep->nratios, &r->ci);
    free(a);
    free(b);
    return 0;
}

/* Throughput (requests/s) of one scenario and configuration. */
static metric_spec_t rps_spec(const char *scenario, const char *config) {
    metric_spec_t m = {.kind = METRIC_RPS};
    m.scenario = xstrdup(scenario);
    m.config = xstrdup(config);
    m.name = xstrdup("rps");
    return m;
}

static int load_comparisons(report_t *rep, char *err, size_t errlen) {
    json_t *list = json_object_get(rep->cfg.root, "comparisons");
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c) {
        char where[128];
        snprintf(where, sizeof where, "%s: comparisons[%zu]", rep->cfg.path, i);
        json_t *id = json_object_get(c, "id"), *label = json_object_get(c, "label");
        if (!json_is_string(id) || !json_is_string(label)) {
            snprintf(err, errlen, "%s: needs \"id\" and \"label\" strings", where);
            return -1;
        }
        metric_spec_t num, den;
        char w2[160];
        snprintf(w2, sizeof w2, "%s.num", where);
        if (metric_spec_parse(&num, json_object_get(c, "num"), NULL, w2, err, errlen) != 0)
            return -1;
        snprintf(w2, sizeof w2, "%s.den", where);
        if (metric_spec_parse(&den, json_object_get(c, "den"), NULL, w2, err, errlen) != 0) {
            metric_spec_free(&num);
            return -1;
        }
        if (report_find_ratio(rep, json_string_value(id))) {
            snprintf(err, errlen, "%s: duplicate id \"%s\"", where, json_string_value(id));
            metric_spec_free(&num);
            metric_spec_free(&den);
            return -1;
        }
        if (add_ratio(rep, json_string_value(id), json_string_value(label), &num, &den) != 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    return 0;
}

/* Every server-config configuration against the baseline threading/workers at
 * the same CPU limit and number of VUs. */
static int server_config_comparisons(report_t *rep) {
    json_t *sc = json_object_get(rep->cfg.root, "server_config");
    json_t *prefix = json_object_get(sc, "scenario_prefix");
    json_t *bt = results_json_path(sc, "baseline.threading");
    double bw = results_json_number(sc, "baseline.workers");
    if (!json_is_string(prefix) || !json_is_string(bt) || isnan(bw))
        return 0;
    size_t plen = strlen(json_string_value(prefix));
    for (size_t i = 0; i < rep->ncells; i++) {
        const report_cell_t *c = &rep->cells[i];
        if (strncmp(c->cell->scenario, json_string_value(prefix), plen) != 0)
            continue;
        bool is_base = !strcmp(c->threading, json_string_value(bt)) && c->workers == (int)bw &&
                       c->threads == 0;
        if (is_base)
            continue;
        const report_cell_t *base = NULL;
        for (size_t j = 0; j < rep->ncells && !base; j++) {
            const report_cell_t *b = &rep->cells[j];
            if (!strcmp(b->cell->scenario, c->cell->scenario) &&
                !strcmp(b->implementation, c->implementation) && /* a peer against its own */
                !strcmp(b->threading, json_string_value(bt)) && b->workers == (int)bw &&
                b->threads == 0 && b->server_cpus == c->server_cpus && b->vus == c->vus)
                base = b;
        }
        if (!base)
            continue;
        char id[512], label[512];
        snprintf(id, sizeof id, "sc/%s/%s", c->cell->scenario + plen, c->cell->config);
        snprintf(label, sizeof label, "%s: %s over %s, throughput", c->cell->scenario + plen,
                 c->cell->config, base->cell->config);
        metric_spec_t num = rps_spec(c->cell->scenario, c->cell->config),
                      den = rps_spec(base->cell->scenario, base->cell->config);
        if (add_ratio(rep, id, label, &num, &den) != 0)
            return -1;
    }
    return 0;
}

/* For CPU-bound scenarios: every configuration with more worker processes than
 * CPUs against the best one with at most as many workers as CPUs, at the same
 * CPU limit and VUs (ids "over/<scenario>/<config>"). */
static int oversubscribed_comparisons(report_t *rep) {
    json_t *sc = json_object_get(rep->cfg.root, "server_config");
    json_t *list = json_object_get(sc, "cpu_bound_scenarios");
    json_t *prefix = json_object_get(sc, "scenario_prefix");
    size_t plen = json_is_string(prefix) ? strlen(json_string_value(prefix)) : 0;
    size_t k;
    json_t *name;
    json_array_foreach(list, k, name) {
        if (!json_is_string(name))
            continue;
        const char *scen = json_string_value(name);
        for (size_t i = 0; i < rep->ncells; i++) {
            const report_cell_t *c = &rep->cells[i];
            if (strcmp(c->cell->scenario, scen) != 0 || isnan(c->server_cpus) ||
                c->workers <= (int)ceil(c->server_cpus))
                continue;
            const report_cell_t *best = NULL;
            for (size_t j = 0; j < rep->ncells; j++) {
                const report_cell_t *b = &rep->cells[j];
                int fit = (int)ceil(b->server_cpus) < 1 ? 1 : (int)ceil(b->server_cpus);
                if (!strcmp(b->cell->scenario, scen) && b->server_cpus == c->server_cpus &&
                    !strcmp(b->implementation, c->implementation) && b->vus == c->vus &&
                    b->threads == c->threads && b->workers <= fit && b->rps.n > 0 &&
                    (!best || b->rps.median > best->rps.median))
                    best = b;
            }
            if (!best)
                continue;
            const char *rest =
                strncmp(scen, json_string_value(prefix) ? json_string_value(prefix) : "", plen) == 0
                    ? scen + plen
                    : scen;
            char id[512], label[512];
            snprintf(id, sizeof id, "over/%s/%s", rest, c->cell->config);
            snprintf(label, sizeof label, "%s: %s (workers > CPUs) over %s, throughput", rest,
                     c->cell->config, best->cell->config);
            metric_spec_t num = rps_spec(scen, c->cell->config),
                          den = rps_spec(scen, best->cell->config);
            if (add_ratio(rep, id, label, &num, &den) != 0)
                return -1;
        }
    }
    return 0;
}

/* Headline ratios "hl/<row>/<num>-<den>": per headline scenario, median
 * throughput of one implementation over another's (comparisons.json headline.ratios). */
static int headline_comparisons(report_t *rep, char *err, size_t errlen) {
    report_headline_t hl;
    if (report_headline_parse(rep, &hl, err, errlen) != 0)
        return -1;
    json_t *ratios = results_json_path(rep->cfg.root, "headline.ratios");
    for (size_t i = 0; i < hl.nrows; i++) {
        const report_hl_row_t *row = &hl.rows[i];
        size_t k;
        json_t *e;
        json_array_foreach(ratios, k, e) {
            const report_hl_impl_t *a = NULL, *b = NULL;
            const char *num = json_string_value(json_object_get(e, "num"));
            const char *den = json_string_value(json_object_get(e, "den"));
            for (size_t j = 0; j < hl.nimpls; j++) {
                if (!strcmp(hl.impls[j].id, num))
                    a = &hl.impls[j];
                if (!strcmp(hl.impls[j].id, den))
                    b = &hl.impls[j];
            }
            char id[512], label[512];
            snprintf(id, sizeof id, "hl/%s/%s-%s", row->id, a->id, b->id);
            snprintf(label, sizeof label, "%s: %s over %s, throughput", row->label, a->label,
                     b->label);
            metric_spec_t mn = rps_spec(row->scenario, a->config),
                          md = rps_spec(row->scenario, b->config);
            if (report_find_ratio(rep, id) || add_ratio(rep, id, label, &mn, &md) != 0) {
                snprintf(err, errlen, "%s: headline: duplicate ratio \"%s\" (or out of memory)",
                         rep->cfg.path, id);
                metric_spec_free(&mn);
                metric_spec_free(&md);
                report_headline_free(&hl);
                return -1;
            }
        }
    }
    report_headline_free(&hl);
    return 0;
}

static int load_values(report_t *rep, char *err, size_t errlen) {
    json_t *list = json_object_get(rep->cfg.root, "values");
    size_t n = json_array_size(list), i;
    rep->values = n ? xcalloc(n, sizeof *rep->values) : NULL;
    json_t *v;
    json_array_foreach(list, i, v) {
        char where[128];
        snprintf(where, sizeof where, "%s: values[%zu]", rep->cfg.path, i);
        json_t *id = json_object_get(v, "id"), *label = json_object_get(v, "label");
        if (!json_is_string(id) || !json_is_string(label)) {
            snprintf(err, errlen, "%s: needs \"id\" and \"label\" strings", where);
            return -1;
        }
        report_value_t *rv = &rep->values[rep->nvalues];
        char w2[160];
        snprintf(w2, sizeof w2, "%s.metric", where);
        if (metric_spec_parse(&rv->spec, json_object_get(v, "metric"), NULL, w2, err, errlen))
            return -1;
        rv->id = xstrdup(json_string_value(id));
        rv->label = xstrdup(json_string_value(label));
        rep->nvalues++;
        size_t nv;
        double *x = metric_values(&rv->spec, rep->results, rep->cfg.default_config, &nv, NULL);
        stats_summarize(x, nv, rep->cfg.level, &rv->s);
        stats_apply_min_runs(&rv->s, rep->cfg.min_runs);
        free(x);
    }
    return 0;
}

int report_compute(report_t *rep, const results_t *results, report_config_t *cfg, char *err,
                   size_t errlen) {
    memset(rep, 0, sizeof *rep);
    rep->results = results;
    rep->cfg = *cfg;
    memset(cfg, 0, sizeof *cfg);
    min_runs = rep->cfg.min_runs ? rep->cfg.min_runs : 3;
    rep->cells = results->ncells ? xcalloc(results->ncells, sizeof *rep->cells) : NULL;
    for (size_t i = 0; i < results->ncells; i++) {
        if (compute_cell(&rep->cells[i], results->dir, &results->cells[i], rep->cfg.level, err,
                         errlen) != 0)
            return -1;
        rep->ncells++;
    }
    if (load_comparisons(rep, err, errlen) != 0)
        return -1;
    if (server_config_comparisons(rep) != 0 || oversubscribed_comparisons(rep) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* after every other ratio, so their bootstrap seeds do not move */
    if (headline_comparisons(rep, err, errlen) != 0)
        return -1;
    return load_values(rep, err, errlen);
}

void report_free(report_t *rep) {
    for (size_t i = 0; i < rep->ncells; i++)
        free(rep->cells[i].groups);
    free(rep->cells);
    for (size_t i = 0; i < rep->nratios; i++) {
        free(rep->ratios[i].id);
        free(rep->ratios[i].label);
        metric_spec_free(&rep->ratios[i].num);
        metric_spec_free(&rep->ratios[i].den);
    }
    free(rep->ratios);
    for (size_t i = 0; i < rep->nvalues; i++) {
        free(rep->values[i].id);
        free(rep->values[i].label);
        metric_spec_free(&rep->values[i].spec);
    }
    free(rep->values);
    json_decref(rep->published);
    report_config_free(&rep->cfg);
    memset(rep, 0, sizeof *rep);
}

const report_ratio_t *report_find_ratio(const report_t *rep, const char *id) {
    for (size_t i = 0; i < rep->nratios; i++)
        if (!strcmp(rep->ratios[i].id, id))
            return &rep->ratios[i];
    return NULL;
}

const report_value_t *report_find_value(const report_t *rep, const char *id) {
    for (size_t i = 0; i < rep->nvalues; i++)
        if (!strcmp(rep->values[i].id, id))
            return &rep->values[i];
    return NULL;
}

const json_t *report_published_row(const report_t *rep, const char *id) {
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(rep->published, "rows"), i, row) {
        json_t *rid = json_object_get(row, "id");
        if (id && json_is_string(rid) && !strcmp(json_string_value(rid), id))
            return row;
    }
    return NULL;
}

const report_cell_t *report_find_cell(const report_t *rep, const char *scenario,
                                      const char *config) {
    /* Without a config, the same default rule as every metric (results.h). */
    const results_cell_t *want =
        config ? results_find_cell(rep->results, scenario, config)
               : results_default_cell(rep->results, scenario, rep->cfg.default_config);
    for (size_t i = 0; want && i < rep->ncells; i++)
        if (rep->cells[i].cell == want)
            return &rep->cells[i];
    return NULL;
}
