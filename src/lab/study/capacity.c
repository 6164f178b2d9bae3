/* The capacity search (capacity.h). */
#include "lab/study/capacity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

/* *v = d unless *v is positive (0 and NaN mean unset). */
static void positive_or(double *v, double d) {
    if (!(*v > 0))
        *v = d;
}

void capacity_defaults(capacity_opts_t *o) {
    positive_or(&o->objective_ms, 10);
    positive_or(&o->start, 100);
    positive_or(&o->min_rate, 1);
    positive_or(&o->max_rate, 1e6);
    positive_or(&o->tolerance, 0.05);
    positive_or(&o->max_failed, 0.001);
    if (o->max_steps <= 0)
        o->max_steps = 30;
}

int capacity_passes(const capacity_opts_t *o, const capacity_point_t *p) {
    return p->p99_ms <= o->objective_ms && p->dropped == 0 && p->failed <= o->max_failed;
}

static int step(const capacity_opts_t *o, capacity_measure_fn measure, void *ctx,
                capacity_result_t *res, double rate, int *ok) {
    capacity_point_t p;
    memset(&p, 0, sizeof p);
    if (measure(rate, ctx, &p) != 0)
        return -1;
    p.rate = rate;
    p.ok = capacity_passes(o, &p);
    capacity_point_t *g = xrealloc(res->points, (res->n + 1) * sizeof *g);
    if (!g)
        return -1;
    res->points = g;
    res->points[res->n++] = p;
    *ok = p.ok;
    return 0;
}

/* One rate: measured, and again up to o->confirm times while it fails. */
static int step_confirmed(const capacity_opts_t *o, capacity_measure_fn measure, void *ctx,
                          capacity_result_t *res, double rate, int *ok) {
    if (step(o, measure, ctx, res, rate, ok))
        return -1;
    for (int k = 0; k < o->confirm && !*ok && (int)res->n < o->max_steps; k++)
        if (step(o, measure, ctx, res, rate, ok))
            return -1;
    return 0;
}

/* One rate, confirmed: it becomes the new lower bound if it passes, the new
 * upper bound otherwise. */
static int narrow(const capacity_opts_t *o, capacity_measure_fn measure, void *ctx,
                  capacity_result_t *res, double rate, double *lo, double *hi) {
    int ok;
    if (step_confirmed(o, measure, ctx, res, rate, &ok))
        return -1;
    if (ok)
        *lo = rate;
    else
        *hi = rate;
    return 0;
}

int capacity_search(const capacity_opts_t *opts, capacity_measure_fn measure, void *ctx,
                    capacity_result_t *res) {
    capacity_opts_t o = *opts;
    capacity_defaults(&o);
    memset(res, 0, sizeof *res);
    double lo = 0, hi = 0, r = o.start;
    int ok;
    /* bracket */
    if (step_confirmed(&o, measure, ctx, res, r, &ok))
        return -1;
    if (ok) {
        lo = r;
        while (!hi && (int)res->n < o.max_steps) {
            if (r * 2 > o.max_rate) {
                if (r >= o.max_rate)
                    break; /* passes at the largest rate asked for */
                r = o.max_rate;
            } else {
                r *= 2;
            }
            if (narrow(&o, measure, ctx, res, r, &lo, &hi))
                return -1;
        }
    } else {
        hi = r;
        while (!lo && (int)res->n < o.max_steps && r / 2 >= o.min_rate) {
            r /= 2;
            if (narrow(&o, measure, ctx, res, r, &lo, &hi))
                return -1;
        }
    }
    /* bisect */
    while (lo > 0 && hi > 0 && (hi - lo) / lo > o.tolerance && (int)res->n < o.max_steps) {
        double mid = (lo + hi) / 2;
        if (narrow(&o, measure, ctx, res, mid, &lo, &hi))
            return -1;
    }
    res->capacity = lo;
    res->upper = hi;
    res->bounded = lo > 0 && hi > 0 && (hi - lo) / lo <= o.tolerance;
    return 0;
}

void capacity_result_free(capacity_result_t *res) {
    free(res->points);
    res->points = NULL;
    res->n = 0;
}

static int by_rate(const void *a, const void *b) {
    double x = ((const capacity_point_t *)a)->rate, y = ((const capacity_point_t *)b)->rate;
    return (x > y) - (x < y);
}

static json_t *point_json(const capacity_point_t *p) {
    return json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:b}", "rate", p->rate, "achieved",
                     p->achieved, "p50_ms", p->p50_ms, "p99_ms", p->p99_ms, "dropped", p->dropped,
                     "failed", p->failed, "ok", p->ok);
}

json_t *capacity_to_json(const capacity_opts_t *opts, const capacity_result_t *res) {
    capacity_opts_t o = *opts;
    capacity_defaults(&o);
    capacity_point_t *sorted = xmalloc((res->n + 1) * sizeof *sorted);
    if (!sorted)
        return NULL;
    if (res->n)
        memcpy(sorted, res->points, res->n * sizeof *sorted);
    qsort(sorted, res->n, sizeof *sorted, by_rate);
    json_t *curve = json_array(), *knee = json_null();
    for (size_t i = 0; i < res->n; i++) {
        json_array_append_new(curve, point_json(&sorted[i]));
        if (res->capacity > 0 && sorted[i].rate == res->capacity && sorted[i].ok) {
            json_decref(knee);
            knee = point_json(&sorted[i]);
        }
    }
    free(sorted);
    return json_pack("{s:f, s:f, s:f, s:i, s:o, s:o, s:b, s:i, s:o, s:o}", "objective_p99_ms",
                     o.objective_ms, "tolerance", o.tolerance, "max_failed", o.max_failed,
                     "confirm", o.confirm, "capacity",
                     res->capacity > 0 ? json_real(res->capacity) : json_null(), "upper",
                     res->upper > 0 ? json_real(res->upper) : json_null(), "bounded", res->bounded,
                     "steps", (int)res->n, "knee", knee, "curve", curve);
}

static double get(const json_t *o, const char *a, const char *b) {
    const json_t *v = json_object_get(json_object_get(o, a), b);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

int capacity_point_from_summary(const json_t *sum, capacity_point_t *p) {
    const json_t *m = json_object_get(sum, "metrics");
    p->p50_ms = get(m, "http_req_duration", "med");
    p->p99_ms = get(m, "http_req_duration", "p(99)");
    p->achieved = get(m, "iterations", "rate");
    p->failed = get(m, "http_req_failed", "value"); /* the fraction of failed requests */
    p->dropped = get(sum, "open_model", "dropped_iterations");
    if (isnan(p->dropped))
        p->dropped = 0;
    if (isnan(p->failed))
        p->failed = 0;
    if (isnan(p->achieved))
        p->achieved = 0;
    if (isnan(p->p50_ms) || isnan(p->p99_ms))
        return -1;
    return 0;
}
