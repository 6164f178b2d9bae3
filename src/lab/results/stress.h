/* Stress scenarios' numbers from a run's per-second series (docs/stress.md):
 * 21 spike (recovery time, dropped and late iterations) and 22 soak (drift:
 * server RSS slope, p99 slope, error rate, a leak flag). Pure functions over
 * arrays, plus a reader of the run-NN.timeseries.jsonl format. */
#ifndef BENCHLAB_LAB_STRESS_H
#define BENCHLAB_LAB_STRESS_H

#include <stddef.h>

/* One run's per-second series (docs/results-format.md); a field a line lacks
 * is 0 (counts) or NAN (p50/p99, server_cpu, server_rss_mb). */
typedef struct ts_series {
    size_t n;
    double *t, *requests, *errors, *p50_ms, *p99_ms, *dropped, *late, *server_cpu, *server_rss_mb;
} ts_series_t;

/* Reads PATH (JSON lines). 0, or -1 with "PATH:LINE: what" in err. */
int ts_series_load(const char *path, ts_series_t *s, char *err, size_t errlen);
void ts_series_free(ts_series_t *s);

/* --- 21 spike --- */
typedef struct spike_result {
    double baseline_p99_ms;           /* median p99 of the seconds before the spike */
    double peak_p99_ms;               /* highest p99 from the spike's start to the end */
    int recovered;                    /* p99 came back within `factor` x baseline and stayed */
    double recovery_s;                /* seconds from the spike's end until then (NAN if not) */
    double dropped, late;             /* iterations over the whole run */
    double dropped_spike, late_spike; /* ... from the spike's start to the end of the run */
} spike_result_t;

/* The spike window of a resolved stage list (durations, targets; start value
 * start): from the start of the first stage whose target is above the level
 * at t = 0 to the end of the last stage that starts above it (the time the
 * load is back). -1 when no stage rises above the starting level. */
int spike_window(const double *dur, const double *target, size_t n, double start, double *from_s,
                 double *to_s);

/* Recovery after a spike in [from_s, to_s): second i covers [t_i, t_i + 1).
 * Baseline: the median p99 over the seconds entirely before from_s with
 * responses (the first second left out when there are 3 or more). Recovered
 * at the first second starting at or after to_s from which `hold` seconds in
 * a row (fewer at the end of the run) have responses and p99 <= factor x
 * baseline. 0, or -1 when there is no second before the spike. */
int spike_recovery(const ts_series_t *s, double from_s, double to_s, double factor, int hold,
                   spike_result_t *out);

/* --- 22 soak --- */
typedef struct slope {
    double slope, lo, hi; /* per second; the Student t interval at `level` */
    size_t n;             /* points used */
} slope_t;

/* Least-squares slope of y on x over the points where both are finite, with
 * its t interval (n - 2 degrees of freedom). -1 with fewer than 3 points. */
int ls_slope(const double *x, const double *y, size_t n, double level, slope_t *out);

typedef struct drift_result {
    slope_t rss;       /* server RSS, MB per second (n = 0: not sampled) */
    slope_t p99;       /* ms per second */
    double error_rate; /* errors / requests over the seconds used */
    double requests;   /* requests over the seconds used */
    int leak;          /* the RSS slope's interval lies above zero */
} drift_result_t;

/* Drift over the seconds at or after skip_s (the warm-up of caches and
 * allocators is left out). 0, or -1 when fewer than 3 seconds remain. */
int soak_drift(const ts_series_t *s, double skip_s, double level, drift_result_t *out);

#endif
