/* What a worker thread measures; merged across threads at the end. */
#ifndef BENCHLAB_LOAD_STATS_H
#define BENCHLAB_LOAD_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "load/hist.h"

enum err_kind { ERR_CONNECT, ERR_TIMEOUT, ERR_RESET, ERR_PARSE, ERR_STATUS, ERR_KINDS };
extern const char *const err_kind_names[ERR_KINDS];

/* One second of the time series. Latencies are kept sparse ((slot, count) pairs of
 * a 2-significant-digit histogram, a few dozen per second) so long runs stay small. */
typedef struct ts_sec {
    uint64_t reqs, errors;
    uint64_t dropped, late; /* open model: iterations dropped / started late from the backlog */
    uint32_t *slot;
    uint64_t *count;
    size_t n;
} ts_sec_t;

typedef struct stats {
    size_t ngroups, nreqs, nchecks;
    hist_t dur;        /* http_req_duration, all requests with a response */
    hist_t *group_dur; /* per group */
    hist_t *req_dur;   /* per request id */
    hist_t service;    /* open model: from the actual send */
    hist_t lag;        /* open model: actual send - scheduled start */
    hist_t iter_dur;   /* iteration_duration: its start (open model: its schedule) to its end */
    uint64_t reqs, failed;
    uint64_t *group_reqs, *group_failed, *req_reqs, *req_failed;
    uint64_t *check_pass, *check_fail; /* per check id */
    uint64_t iterations, dropped;
    uint64_t err[ERR_KINDS];
    int timeseries;
    ts_sec_t *sec;
    size_t nsec;
    hist_t ts_cur; /* latencies of second ts_cur_sec, not yet folded into sec[] */
    size_t ts_cur_sec;
    double cpu_s, wall_s; /* this thread's CPU time and wall time of the load phase */
} stats_t;

int stats_init(stats_t *st, size_t ngroups, size_t nreqs, size_t nchecks, int timeseries);
void stats_free(stats_t *st);
/* Adds src into dst (same shape). cpu_s/wall_s: dst keeps the busiest ratio's pair. */
void stats_merge(stats_t *dst, const stats_t *src);
/* The time-series slot of second `sec` (grown on demand). */
ts_sec_t *stats_second(stats_t *st, size_t sec);
/* Records one latency of second `sec` in the time series. */
void stats_ts_latency(stats_t *st, size_t sec, uint64_t us);
/* Folds the current second's latencies into sec[] (at the end of a run). */
void stats_ts_flush(stats_t *st);
/* p50 and p99 (µs) of one second. */
void stats_ts_percentiles(const stats_t *st, size_t sec, uint64_t *p50, uint64_t *p99);

#endif
