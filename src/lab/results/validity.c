/* The validity rules (see validity.h). */
#include "lab/results/validity.h"

#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/threading.h"
#include "common/xalloc.h"
#include "lab/impl.h"
#include "lab/results/stats.h"

static const char *const names[VRULE_COUNT] = {"overrun", "min-requests", "host-interference",
                                               "server-below-quota", "non-stationary"};

const char *validity_rule_name(validity_rule_t rule) {
    return rule < VRULE_COUNT ? names[rule] : "?";
}

void validity_defaults(validity_rules_t *r) {
    memset(r, 0, sizeof *r);
    r->max_overrun = 0.10;
    r->min_requests = 1000;
    r->max_host_outside = 0.10;
    r->max_steal = 0.05;
    r->max_load_per_cpu = 2.0;
    r->min_server_cpu = 0.80;
    /* for run files that do not record "server_bound" (written before the
     * scenario files said it): no I/O per request; 17-b reads the user from
     * PostgreSQL after checking the token (PostgreSQL shares the host's
     * CPUs), so it is not here */
    static const char *const bound[] = {"basic/01-*", "basic/02-*", "auth/17-a-*",
                                        "server-config/cpu-*"};
    for (size_t i = 0; i < sizeof bound / sizeof bound[0]; i++)
        snprintf(r->server_bound[r->nserver_bound++], sizeof r->server_bound[0], "%s", bound[i]);
    r->trend_level = 0.95;
    r->trend_change = 0.20;
    r->trend_min_points = 6;
}

static int bad(char *err, size_t len, const char *file, const char *key, const char *what) {
    snprintf(err, len, "%s: validity.%s: %s", file, key, what);
    return -1;
}

int validity_parse(validity_rules_t *r, const json_t *obj, const char *file, char *err,
                   size_t errlen) {
    if (!obj)
        return 0;
    if (!json_is_object(obj)) {
        snprintf(err, errlen, "%s: validity: expected an object", file);
        return -1;
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        struct {
            const char *name;
            double *dst;
            double lo, hi;
        } nums[] = {{"max_overrun", &r->max_overrun, 0, 100},
                    {"min_requests", &r->min_requests, 0, 1e12},
                    {"max_host_outside", &r->max_host_outside, 0, 1},
                    {"max_steal", &r->max_steal, 0, 1},
                    {"max_load_per_cpu", &r->max_load_per_cpu, 0, 1e6},
                    {"min_server_cpu", &r->min_server_cpu, 0, 1},
                    {"trend_level", &r->trend_level, 0.5, 0.9999},
                    {"trend_change", &r->trend_change, 0, 100}};
        bool done = false;
        for (size_t i = 0; i < sizeof nums / sizeof nums[0] && !done; i++) {
            if (strcmp(key, nums[i].name) != 0)
                continue;
            double x = json_number_value(v);
            if (!json_is_number(v) || x < nums[i].lo || x > nums[i].hi) {
                char what[96];
                snprintf(what, sizeof what, "expected a number in [%g, %g]", nums[i].lo,
                         nums[i].hi);
                return bad(err, errlen, file, key, what);
            }
            *nums[i].dst = x;
            done = true;
        }
        if (done)
            continue;
        if (strcmp(key, "trend_min_points") == 0) {
            if (!json_is_integer(v) || json_integer_value(v) < 3 || json_integer_value(v) > 100000)
                return bad(err, errlen, file, key, "expected an integer >= 3");
            r->trend_min_points = (int)json_integer_value(v);
        } else if (strcmp(key, "server_bound") == 0) {
            if (!json_is_array(v) || json_array_size(v) > VALIDITY_MAX_GLOBS)
                return bad(err, errlen, file, key, "expected a list of at most 16 scenario globs");
            r->nserver_bound = 0;
            size_t i;
            json_t *g;
            json_array_foreach(v, i, g) {
                if (!json_is_string(g) || strlen(json_string_value(g)) >= sizeof r->server_bound[0])
                    return bad(err, errlen, file, key, "expected scenario globs (strings)");
                snprintf(r->server_bound[r->nserver_bound++], sizeof r->server_bound[0], "%s",
                         json_string_value(g));
            }
        } else {
            return bad(err, errlen, file, key,
                       "unknown key (max_overrun, min_requests, max_host_outside, max_steal, "
                       "max_load_per_cpu, min_server_cpu, server_bound, trend_level, "
                       "trend_change, trend_min_points)");
        }
    }
    return 0;
}

json_t *validity_rules_json(const validity_rules_t *r) {
    json_t *globs = json_array();
    for (int i = 0; i < r->nserver_bound; i++)
        json_array_append_new(globs, json_string(r->server_bound[i]));
    return json_pack("{s:f,s:f,s:f,s:f,s:f,s:f,s:o,s:f,s:f,s:i}", "max_overrun", r->max_overrun,
                     "min_requests", r->min_requests, "max_host_outside", r->max_host_outside,
                     "max_steal", r->max_steal, "max_load_per_cpu", r->max_load_per_cpu,
                     "min_server_cpu", r->min_server_cpu, "server_bound", globs, "trend_level",
                     r->trend_level, "trend_change", r->trend_change, "trend_min_points",
                     r->trend_min_points);
}

/* --- helpers -------------------------------------------------------------- */

static json_t *get(const json_t *o, const char *a, const char *b, const char *c) {
    json_t *x = json_object_get(o, a);
    if (b)
        x = json_object_get(x, b);
    if (c)
        x = json_object_get(x, c);
    return x;
}

static double num(const json_t *o, const char *a, const char *b, const char *c) {
    json_t *x = get(o, a, b, c);
    return json_is_number(x) ? json_number_value(x) : NAN;
}

static bool has_reason(const json_t *reasons, const char *rule) {
    size_t i, len = strlen(rule);
    json_t *r;
    json_array_foreach((json_t *)reasons, i, r) {
        const char *s = json_string_value(r);
        if (s && strncmp(s, rule, len) == 0 && s[len] == ':')
            return true;
    }
    return false;
}

static void reason(json_t *reasons, validity_rule_t rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void reason(json_t *reasons, validity_rule_t rule, const char *fmt, ...) {
    if (!reasons || has_reason(reasons, names[rule]))
        return;
    char buf[320];
    int n = snprintf(buf, sizeof buf, "%s: ", names[rule]);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
    va_end(ap);
    json_array_append_new(reasons, json_string(buf));
}

int validity_trend(const double *y, size_t n, double level, double *slope, double *lo, double *hi) {
    if (n < 3)
        return -1;
    double tm = (double)(n - 1) / 2, ym = stats_mean(y, n), sxx = 0, sxy = 0;
    for (size_t i = 0; i < n; i++) {
        sxx += ((double)i - tm) * ((double)i - tm);
        sxy += ((double)i - tm) * (y[i] - ym);
    }
    double b = sxy / sxx, a = ym - b * tm, sse = 0;
    for (size_t i = 0; i < n; i++) {
        double e = y[i] - (a + b * (double)i);
        sse += e * e;
    }
    double se = sqrt(sse / (double)(n - 2) / sxx);
    double q = stats_t_quantile((1 + level) / 2, (double)(n - 2));
    *slope = b;
    *lo = b - q * se;
    *hi = b + q * se;
    return 0;
}

/* --- the rules ------------------------------------------------------------ */

unsigned validity_judge(const validity_rules_t *r, const json_t *run, const double *series,
                        size_t n, json_t *reasons, unsigned *checked_out) {
    unsigned broken = 0, checked = 0;
    const json_t *s = json_object_get(run, "summary");
    bool summary = json_is_object(s) && json_object_size(s) > 0;
    double planned = num(run, "params", "duration_s", NULL);
    double load_s = num(s, "timing", "duration_s", NULL);
    double wall = num(run, "wall_s", NULL, NULL);

    /* overrun: the driver's load phase against the plan's duration */
    if (summary && planned > 0 && isfinite(load_s)) {
        checked |= 1u << VRULE_OVERRUN;
        double over = (load_s - planned) / planned;
        if (over > r->max_overrun) {
            broken |= 1u << VRULE_OVERRUN;
            reason(reasons, VRULE_OVERRUN, "load phase %.2f s for %g s planned (+%.0f%% > %.0f%%)",
                   load_s, planned, 100 * over, 100 * r->max_overrun);
        }
    }

    /* too few requests: the plan's minimum, else the rules'; a run bounded by
     * iterations only has to finish them */
    if (summary) {
        double reqs = num(s, "metrics", "http_reqs", "count");
        double min = num(run, "params", "min_requests", NULL);
        if (!isfinite(min))
            min = r->min_requests;
        double iters = num(s, "config", "iterations", NULL);
        double done_iters = num(s, "metrics", "iterations", "count");
        bool bounded_done = isfinite(iters) && iters > 0 && done_iters >= iters;
        if (isfinite(reqs) && !bounded_done) {
            checked |= 1u << VRULE_MIN_REQUESTS;
            if (reqs < min) {
                broken |= 1u << VRULE_MIN_REQUESTS;
                reason(reasons, VRULE_MIN_REQUESTS, "%.0f requests < %.0f", reqs, min);
            }
        } else if (bounded_done) {
            checked |= 1u << VRULE_MIN_REQUESTS;
        }
    }

    /* host interference: the run file's "host_load" (benchlab run records it) */
    const json_t *h = json_object_get(run, "host_load");
    if (json_is_object(h)) {
        double cpus = num(h, "cpus", NULL, NULL), hwall = num(h, "wall_s", NULL, NULL);
        double outside = num(h, "outside_s", NULL, NULL), steal = num(h, "steal_s", NULL, NULL);
        double load = num(h, "loadavg_max", NULL, NULL);
        if (cpus > 0 && hwall > 0) {
            checked |= 1u << VRULE_HOST;
            double fo = outside / (hwall * cpus), fs = steal / (hwall * cpus);
            char why[256] = "";
            size_t off = 0;
            if (json_is_true(json_object_get(h, "boxed")) && fo > r->max_host_outside)
                off += (size_t)snprintf(why + off, sizeof why - off,
                                        "%s%.0f%% of the host's CPU busy outside the boxes and "
                                        "the driver > %.0f%%",
                                        off ? "; " : "", 100 * fo, 100 * r->max_host_outside);
            if (fs > r->max_steal && off < sizeof why)
                off += (size_t)snprintf(why + off, sizeof why - off, "%ssteal %.1f%% > %.1f%%",
                                        off ? "; " : "", 100 * fs, 100 * r->max_steal);
            if (load / cpus > r->max_load_per_cpu && off < sizeof why)
                off += (size_t)snprintf(why + off, sizeof why - off,
                                        "%sload average %.2f on %g CPUs > %g per CPU",
                                        off ? "; " : "", load, cpus, r->max_load_per_cpu);
            if (off) {
                broken |= 1u << VRULE_HOST;
                reason(reasons, VRULE_HOST, "%s", why);
            }
        }
    }

    /* the server box below what it can use, in a closed-model run of a
     * scenario where the server is the bottleneck */
    const char *scenario = json_string_value(json_object_get(run, "scenario"));
    const json_t *recorded = json_object_get(run, "server_bound"); /* the scenario file's */
    bool bound = json_is_true(recorded);
    for (int i = 0; scenario && !json_is_boolean(recorded) && i < r->nserver_bound && !bound; i++)
        bound = fnmatch(r->server_bound[i], scenario, 0) == 0; /* run files before the field */
    const json_t *rate = get(run, "params", "rate", NULL);
    const json_t *box = get(run, "boxes", "server", NULL);
    double eff = num(run, "box_limits", "server", "cpus_effective");
    if (bound && summary && (!rate || json_is_null(rate)) && json_is_object(box) &&
        json_is_true(json_object_get(box, "available")) && eff > 0 && wall > 0) {
        const char *threading = json_string_value(get(run, "params", "threading", NULL));
        const char *impl = json_string_value(json_object_get(run, "implementation"));
        double workers = num(run, "params", "workers", NULL);
        bool one_thread =
            (impl && strcmp(impl, IMPL_DEFAULT) != 0) || threading_one_thread(threading);
        double can = eff;
        if (one_thread && workers > 0 && workers < can)
            can = workers;
        double used =
            (num(box, "cpu_user_s", NULL, NULL) + num(box, "cpu_sys_s", NULL, NULL)) / wall;
        checked |= 1u << VRULE_SERVER_QUOTA;
        if (used < r->min_server_cpu * can) {
            broken |= 1u << VRULE_SERVER_QUOTA;
            reason(reasons, VRULE_SERVER_QUOTA,
                   "server box used %.2f CPU of the %.2f it can use (< %.0f%%) where the server "
                   "is the bottleneck",
                   used, can, 100 * r->min_server_cpu);
        }
    }

    /* non-stationary: a trend in the per-second requests; the last second is
     * partial when the series is longer than the plan */
    size_t m = n;
    if (planned > 0 && (double)m > floor(planned))
        m = (size_t)floor(planned);
    if (series && m >= (size_t)r->trend_min_points) {
        double slope, lo, hi;
        size_t third = m / 3;
        double first = stats_mean(series, third), last = stats_mean(series + m - third, third);
        double base = first > 0 ? first : stats_mean(series, m);
        if (base > 0 && validity_trend(series, m, r->trend_level, &slope, &lo, &hi) == 0) {
            checked |= 1u << VRULE_NONSTATIONARY;
            double change = (last - first) / base;
            if ((lo > 0 || hi < 0) && fabs(change) > r->trend_change) {
                broken |= 1u << VRULE_NONSTATIONARY;
                reason(reasons, VRULE_NONSTATIONARY,
                       "requests/s trend %+.1f per s [%.1f, %.1f], last third %+.0f%% vs the "
                       "first (> %.0f%%)",
                       slope, lo, hi, 100 * change, 100 * r->trend_change);
            }
        }
    }
    if (checked_out)
        *checked_out = checked;
    return broken;
}

size_t validity_load_series(const char *path, double **out) {
    *out = NULL;
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f)
        return 0;
    size_t n = 0, cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    while (getline(&line, &lcap, f) > 0) {
        json_t *j = json_loads(line, 0, NULL);
        json_t *v = json_object_get(j, "requests");
        if (json_is_number(v)) {
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                double *g = xrealloc(*out, cap * sizeof *g);
                if (!g) {
                    json_decref(j);
                    break;
                }
                *out = g;
            }
            (*out)[n++] = json_number_value(v);
        }
        json_decref(j);
    }
    free(line);
    fclose(f);
    return n;
}

unsigned validity_apply(const validity_rules_t *r, json_t *j, const char *timeseries_path) {
    double *series = NULL;
    size_t n = validity_load_series(timeseries_path, &series);
    json_t *reasons = json_object_get(j, "invalid_reasons");
    unsigned checked = 0;
    unsigned broken = validity_judge(r, j, series, n, reasons, &checked);
    free(series);
    json_t *c = json_array(), *b = json_array();
    for (int i = 0; i < VRULE_COUNT; i++) {
        if (checked & (1u << i))
            json_array_append_new(c, json_string(names[i]));
        if (broken & (1u << i))
            json_array_append_new(b, json_string(names[i]));
    }
    json_object_set_new(
        j, "validity",
        json_pack("{s:o,s:o,s:o}", "rules", validity_rules_json(r), "checked", c, "broken", b));
    if (broken)
        json_object_set_new(j, "valid", json_false());
    return broken;
}
