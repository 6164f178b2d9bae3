/* Capacity at a latency objective (docs/stress.md): an adaptive open-model
 * sweep of offered rates — bracket (double the rate until a step fails, or
 * halve it until one passes), then bisect to a relative tolerance — for the
 * highest rate whose p99 stays within the objective with no dropped
 * iterations and (almost) no failed requests. The search is pure: `measure`
 * runs one step (benchlab capacity runs benchlab-load; tests use a model). */
#ifndef BENCHLAB_LAB_CAPACITY_H
#define BENCHLAB_LAB_CAPACITY_H

#include <jansson.h>
#include <stddef.h>

typedef struct capacity_point {
    double rate;           /* offered, iterations per second */
    double achieved;       /* iterations completed per second */
    double p50_ms, p99_ms; /* http_req_duration, from the scheduled start */
    double dropped;        /* dropped iterations */
    double failed;         /* fraction of failed requests */
    int ok;                /* within the objective (capacity_passes) */
} capacity_point_t;

typedef struct capacity_opts {
    double objective_ms; /* p99 at most this (default 10) */
    double start;        /* first rate (default 100) */
    double min_rate;     /* give up halving below this (default 1) */
    double max_rate;     /* stop doubling above this (default 1e6) */
    double tolerance;    /* bisect until (hi - lo) / lo <= this (default 0.05) */
    double max_failed;   /* largest failed-request fraction that passes (default 0.001) */
    int max_steps;       /* at most this many measurements (default 30) */
    int confirm;         /* a failing step is measured up to this many times more and fails
                            only when every one fails (0: never; a shared machine's
                            momentary stall should not end the search) */
} capacity_opts_t;

typedef struct capacity_result {
    capacity_point_t *points; /* in the order measured */
    size_t n;
    double capacity; /* the highest passing rate (0: none passed) */
    double upper;    /* the lowest failing rate above it (0: none failed) */
    int bounded;     /* 1: bracketed and bisected to the tolerance */
} capacity_result_t;

/* Fills unset (0) fields with the defaults above. */
void capacity_defaults(capacity_opts_t *o);
/* Whether one measured step is within the objective. */
int capacity_passes(const capacity_opts_t *o, const capacity_point_t *p);

/* One step at `rate`: fills p (rate included). 0, or -1 on a failure that
 * ends the search (the driver could not run). */
typedef int (*capacity_measure_fn)(double rate, void *ctx, capacity_point_t *p);

/* Runs the search. 0, or -1 when a measurement failed (res holds what was
 * measured so far). */
int capacity_search(const capacity_opts_t *o, capacity_measure_fn measure, void *ctx,
                    capacity_result_t *res);
void capacity_result_free(capacity_result_t *res);

/* The result as JSON: objective, capacity, upper, bounded, the curve sorted
 * by rate ([{rate, achieved, p50_ms, p99_ms, dropped, failed, ok}]) and the
 * knee (the point at the capacity). */
json_t *capacity_to_json(const capacity_opts_t *o, const capacity_result_t *res);

/* Reads one benchlab-load summary into p (p->rate is left alone). 0 or -1. */
int capacity_point_from_summary(const json_t *summary, capacity_point_t *p);

#endif
