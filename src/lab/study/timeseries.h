/* Per-second series of a run: the driver writes requests/errors/p50/p99 per
 * second (--timeseries) next to the run file as run-NN.timeseries.jsonl; the
 * study samples the server box's CPU use once a second meanwhile and adds it to
 * each line as "server_cpu" (cores). */
#ifndef BENCHLAB_LAB_STUDY_TIMESERIES_H
#define BENCHLAB_LAB_STUDY_TIMESERIES_H

#include <stddef.h>

#include "lab/box/box.h"

typedef struct cpu_series {
    box_t *box;    /* NULL: nothing to sample */
    double t0;     /* monotonic seconds at the driver's start */
    double last_t; /* when `last` was read */
    box_stats_t last;
    double *cores;  /* cores[i]: CPU used during second i, in cores */
    double *rss_mb; /* rss_mb[i]: the box's anonymous memory at the end of second i (MB; NAN
                       unknown); NULL: none */
    size_t n, cap;
} cpu_series_t;

void cpu_series_start(cpu_series_t *cs, box_t *box, double t0);
/* Takes a sample when a whole second has passed since the last one. */
void cpu_series_tick(cpu_series_t *cs, double now);
/* After the driver exits: samples the last partial second when it lasted at
 * least half a second (a run's last line covers it too). */
void cpu_series_finish(cpu_series_t *cs, double now);
void cpu_series_free(cpu_series_t *cs);

/* "DIR/run-01.json" -> "DIR/run-01.timeseries.jsonl". 0, or -1 when it does not fit. */
int timeseries_path(const char *run_file, char *buf, size_t len);
/* Adds "server_cpu" to line i of the JSON-lines file PATH from cs->cores[i]
 * (and "server_rss_mb" from cs->rss_mb[i] when known)
 * (lines without a sample are left as they are); rewrites it atomically.
 * 0, or -1 when the file cannot be read or written. */
int timeseries_add_cpu(const char *path, const cpu_series_t *cs);

#endif
