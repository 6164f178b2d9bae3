/* Extracting one number per run according to a metric spec. */
#include "lab/results/metric.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "lab/results/demand.h"
#include "lab/results/hist.h"

static const char *str_key(const json_t *obj, const json_t *base, const char *key) {
    json_t *v = json_object_get(obj, key);
    if (!v && base)
        v = json_object_get(base, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static json_t *any_key(const json_t *obj, const json_t *base, const char *key) {
    json_t *v = json_object_get(obj, key);
    return v ? v : base ? json_object_get(base, key) : NULL;
}

static char *dup_or_null(const char *s) {
    return s ? xstrdup(s) : NULL;
}

int metric_spec_parse(metric_spec_t *m, const json_t *obj, const json_t *base, const char *where,
                      char *err, size_t errlen) {
    memset(m, 0, sizeof *m);
    m->per_request = 1;
    if (!json_is_object(obj)) {
        snprintf(err, errlen, "%s: expected an object", where);
        return -1;
    }
    const char *scenario = str_key(obj, base, "scenario"), *metric = str_key(obj, base, "metric");
    if (!scenario || !metric) {
        snprintf(err, errlen, "%s: needs \"scenario\" and \"metric\" strings", where);
        return -1;
    }
    m->scenario = xstrdup(scenario);
    m->name = xstrdup(metric);
    m->config = dup_or_null(str_key(obj, base, "config"));
    m->group = dup_or_null(str_key(obj, base, "group"));
    m->var = dup_or_null(str_key(obj, base, "var"));
    m->version_var = dup_or_null(str_key(obj, base, "version_var"));
    m->request = dup_or_null(str_key(obj, base, "request"));
    if (m->request && !m->group) {
        snprintf(err, errlen, "%s: \"request\" needs \"group\"", where);
        metric_spec_free(m);
        return -1;
    }
    char *end;
    if (!strcmp(metric, "rps")) {
        m->kind = METRIC_RPS;
    } else if (!strcmp(metric, "mean")) {
        m->kind = METRIC_MEAN;
    } else if (!strcmp(metric, "cpu_us") || !strcmp(metric, "server_cpu_us") ||
               !strcmp(metric, "postgres_cpu_us") || !strcmp(metric, "redis_cpu_us")) {
        m->kind = METRIC_CPU_US;
        m->box = metric[0] == 'p' ? "postgres" : metric[0] == 'r' ? "redis" : "server";
        if (m->group) {
            snprintf(err, errlen, "%s: metric \"%s\" is per run: no \"group\"", where, metric);
            metric_spec_free(m);
            return -1;
        }
    } else if (!strcmp(metric, "checks_rate")) {
        m->kind = METRIC_CHECKS_RATE;
    } else if (!strcmp(metric, "teardown") || !strcmp(metric, "lost_updates") ||
               !strcmp(metric, "teardown_per_request")) {
        m->kind = !strcmp(metric, "teardown")       ? METRIC_TEARDOWN
                  : !strcmp(metric, "lost_updates") ? METRIC_LOST_UPDATES
                                                    : METRIC_TEARDOWN_PER_REQUEST;
        if (!m->var) {
            snprintf(err, errlen, "%s: metric \"%s\" needs \"var\" (a teardown variable)", where,
                     metric);
            metric_spec_free(m);
            return -1;
        }
        json_t *init = any_key(obj, base, "initial"), *per = any_key(obj, base, "per_request");
        if (m->kind == METRIC_LOST_UPDATES &&
            (!json_is_number(init) || (!m->group && !m->version_var))) {
            snprintf(err, errlen,
                     "%s: lost_updates needs a number \"initial\" and \"version_var\" (or "
                     "\"group\")",
                     where);
            metric_spec_free(m);
            return -1;
        }
        m->initial = json_is_number(init) ? json_number_value(init) : 0;
        if (json_is_number(per))
            m->per_request = json_number_value(per);
    } else if (metric[0] == 'p' && (m->percentile = strtod(metric + 1, &end), *end == '\0') &&
               end != metric + 1 && m->percentile > 0 && m->percentile <= 100) {
        m->kind = METRIC_PERCENTILE;
    } else {
        snprintf(err, errlen,
                 "%s.metric: \"%s\" is not one of rps, pNN (e.g. p95, p99.9), mean, checks_rate, "
                 "cpu_us, postgres_cpu_us, redis_cpu_us, teardown, teardown_per_request, "
                 "lost_updates",
                 where, metric);
        metric_spec_free(m);
        return -1;
    }
    return 0;
}

void metric_spec_free(metric_spec_t *m) {
    free(m->scenario);
    free(m->config);
    free(m->group);
    free(m->var);
    free(m->version_var);
    free(m->request);
    free(m->name);
    memset(m, 0, sizeof *m);
}

const char *metric_unit(const metric_spec_t *m) {
    switch (m->kind) {
    case METRIC_RPS:
        return "req/s";
    case METRIC_PERCENTILE:
    case METRIC_MEAN:
        return "ms";
    case METRIC_CPU_US:
        return "us/req";
    default:
        return "";
    }
}

/* The summary object holding http_reqs/http_req_duration/checks for the spec:
 * the group's (root_group.groups.<g>) or the run's metrics. */
static json_t *metrics_obj(const metric_spec_t *m, const results_run_t *run) {
    if (m->group) {
        json_t *groups = results_json_path(run->summary, "root_group.groups");
        json_t *g = json_object_get(groups, m->group);
        return m->request ? json_object_get(json_object_get(g, "requests"), m->request) : g;
    }
    return json_object_get(run->summary, "metrics");
}

static json_t *hist_json(const metric_spec_t *m, const results_run_t *run) {
    json_t *hs = json_object_get(run->summary, "histograms");
    if (m->request) { /* the driver keys request histograms "<group>/<request>" */
        char key[1024];
        snprintf(key, sizeof key, "%s/%s", m->group, m->request);
        return json_object_get(json_object_get(hs, "requests"), key);
    }
    if (m->group)
        return json_object_get(json_object_get(hs, "groups"), m->group);
    return json_object_get(hs, "http_req_duration");
}

static double checks_passes(json_t *mo, double *fails) {
    double p = results_json_number(mo, "checks.passes");
    *fails = results_json_number(mo, "checks.fails");
    return p;
}

static double teardown_number(const results_run_t *run, const char *var) {
    json_t *v = json_object_get(json_object_get(run->root, "teardown"), var);
    if (json_is_number(v))
        return json_number_value(v);
    if (!json_is_string(v))
        return NAN;
    char *end;
    double d = strtod(json_string_value(v), &end);
    return end != json_string_value(v) && *end == '\0' ? d : NAN;
}

/* The k6-style summary field for a percentile when no histogram is present. */
static double summary_percentile(json_t *mo, double p) {
    char key[64];
    if (p == 50)
        snprintf(key, sizeof key, "med");
    else
        snprintf(key, sizeof key, "p(%g)", p);
    json_t *d = json_object_get(mo, "http_req_duration");
    json_t *v = json_object_get(d, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

double metric_of_run(const metric_spec_t *m, const results_run_t *run) {
    json_t *mo = metrics_obj(m, run);
    switch (m->kind) {
    case METRIC_RPS: {
        double rate = results_json_number(mo, "http_reqs.rate");
        if (!isnan(rate))
            return rate;
        double count = results_json_number(mo, "http_reqs.count");
        double dur = results_json_number(run->summary, "timing.duration_s");
        return dur > 0 ? count / dur : NAN;
    }
    case METRIC_PERCENTILE:
    case METRIC_MEAN: {
        json_t *hj = hist_json(m, run);
        if (hj) {
            results_hist_t h;
            char err[256];
            if (results_hist_from_json(&h, hj, err, sizeof err) == 0) {
                double us = m->kind == METRIC_MEAN ? results_hist_mean_us(&h)
                                                   : results_hist_percentile_us(&h, m->percentile);
                results_hist_free(&h);
                return us / 1000.0;
            }
        }
        if (m->kind == METRIC_MEAN)
            return results_json_number(mo, "http_req_duration.avg");
        return summary_percentile(mo, m->percentile);
    }
    case METRIC_CHECKS_RATE: {
        double fails, passes = checks_passes(mo, &fails);
        if (isnan(passes) || isnan(fails) || passes + fails == 0)
            return NAN;
        return passes / (passes + fails);
    }
    case METRIC_TEARDOWN:
        return teardown_number(run, m->var);
    case METRIC_CPU_US:
        return demand_of_run(run->root, m->box);
    case METRIC_LOST_UPDATES: {
        double fails, writes = m->version_var ? teardown_number(run, m->version_var)
                                              : checks_passes(mo, &fails);
        double final_stock = teardown_number(run, m->var);
        return writes * m->per_request - (m->initial - final_stock);
    }
    case METRIC_TEARDOWN_PER_REQUEST: {
        double count = results_json_number(mo, "http_reqs.count");
        /* with both, version_var is the counter (var is then the stock) */
        return count > 0 ? teardown_number(run, m->version_var ? m->version_var : m->var) / count
                         : NAN;
    }
    }
    return NAN;
}

const results_cell_t *metric_cell(const metric_spec_t *m, const results_t *r,
                                  const char *default_config) {
    if (m->group) { /* one variant per run: the scenario "S@G" measured G alone */
        size_t len = strlen(m->scenario) + strlen(m->group) + 2;
        char *variant = xmalloc(len);
        const results_cell_t *cell = NULL;
        if (variant) {
            snprintf(variant, len, "%s@%s", m->scenario, m->group);
            cell = m->config ? results_find_cell(r, variant, m->config)
                             : results_default_cell(r, variant, default_config);
            free(variant);
        }
        if (cell)
            return cell;
    }
    return m->config ? results_find_cell(r, m->scenario, m->config)
                     : results_default_cell(r, m->scenario, default_config);
}

double *metric_values(const metric_spec_t *m, const results_t *r, const char *default_config,
                      size_t *n, const results_cell_t **cellp) {
    const results_cell_t *cell = metric_cell(m, r, default_config);
    *n = 0;
    if (cellp)
        *cellp = cell;
    if (!cell || cell->nvalid == 0)
        return NULL;
    double *v = xmalloc(cell->nvalid * sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < cell->nvalid; i++) {
        double x = metric_of_run(m, cell->valid[i]);
        if (!isnan(x))
            v[(*n)++] = x;
    }
    if (*n == 0) {
        free(v);
        return NULL;
    }
    return v;
}
