/* The stress numbers of one run file (docs/stress.md): spike recovery when
 * its driver ran arrival-rate stages, soak drift otherwise; used by
 * `benchlab stress` and the report's "Stress" section. */
#ifndef BENCHLAB_LAB_STRESS_RUN_H
#define BENCHLAB_LAB_STRESS_RUN_H

#include <jansson.h>
#include <stddef.h>

typedef struct stress_opts {
    double factor; /* spike: recovered within factor x the pre-spike p99 (2) */
    int hold;      /* ... for this many seconds in a row (3) */
    double skip;   /* soak: seconds left out at the start (< 0: 10 % of the run, at least 1) */
    double level;  /* soak: the slopes' interval level (0.95) */
} stress_opts_t;

/* run_path: the run file (its series sits next to it); root: its contents.
 * Returns a new JSON object ({"kind": "spike"|"soak", ...} plus run,
 * scenario, config), or NULL with a message in err. */
json_t *stress_analyze_run(const char *run_path, const json_t *root, const stress_opts_t *o,
                           char *err, size_t errlen);

#endif
