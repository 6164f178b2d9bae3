/* Stages (k6's ramping-vus and ramping-arrival-rate): a list of {duration,
 * target}; the value ramps linearly from the previous target (or the start
 * value) to each stage's target over that stage's duration. Closed model: the
 * value is the number of active VUs; open model: iterations started per second.
 * Targets may be "P%" of a capacity given by the file ("capacity") or a flag
 * (--capacity), resolved by stages_resolve. docs/scenarios.md, "Stages". */
#ifndef BENCHLAB_LOAD_STAGES_H
#define BENCHLAB_LOAD_STAGES_H

#include <stddef.h>

typedef struct stage {
    double duration_s;
    double target;
    int percent; /* target is a percentage of the capacity (until resolved) */
} stage_t;

typedef struct stages {
    stage_t *st;
    size_t n;
    double start; /* value at t = 0 */
    int open;     /* 1: arrival rates (open model); 0: VUs (closed model) */
} stages_t;

/* Parses "10s:100,30s:150%,5s:0" (a flag's form) into st (replacing what it
 * held). 0, or -1 with a message in err naming the item. */
int stages_parse(stages_t *st, const char *text, char *err, size_t errlen);
/* Turns percentages into values (capacity <= 0: none given, an error when a
 * target needs it), checks every value is >= 0 and at most `max`, and that
 * some value is > 0. 0, or -1 with a message in err. */
int stages_resolve(stages_t *st, double capacity, double max, char *err, size_t errlen);
/* Sum of the durations. */
double stages_total(const stages_t *st);
/* The largest value (start and targets). */
double stages_max(const stages_t *st);
/* The value at time t seconds (after the last stage: the last target). */
double stages_value(const stages_t *st, double t);
/* Closed model: the number of active VUs at time t (the value rounded down). */
int stages_vus(const stages_t *st, double t);
/* Open model: iterations scheduled in [0, t) (the integral of the rate). */
double stages_arrivals(const stages_t *st, double t);
/* Open model: the time of iteration k (0-based): the t where the integral of
 * the rate reaches k; the first is at 0. Beyond the last stage's end: a value
 * >= stages_total (the run is over). */
double stages_arrival_time(const stages_t *st, double k);
void stages_free(stages_t *st);

#endif
