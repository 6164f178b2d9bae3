/* The method's validity rules (docs/study.md "Validity"): a run is not
 * evidence when it overran its planned duration, completed too few requests,
 * ran while the host was busy with other work, left the server box below its
 * CPU quota while the server should be the bottleneck, or was not stationary
 * (its per-second throughput trends). They judge a run file as written
 * (docs/results-format.md) plus its per-second series, so `benchlab run`
 * applies them as it writes a run and `benchlab validity` / `benchlab report
 * --revalidate` apply them to results written before the rules existed.
 *
 * Thresholds come from the profile's "validity" object (defaults below); a
 * plan entry may set "min_requests". */
#ifndef BENCHLAB_LAB_VALIDITY_H
#define BENCHLAB_LAB_VALIDITY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define VALIDITY_MAX_GLOBS 16

typedef enum {
    VRULE_OVERRUN,       /* load phase longer than planned by more than max_overrun */
    VRULE_MIN_REQUESTS,  /* fewer than min_requests requests */
    VRULE_HOST,          /* CPU busy outside our boxes and the driver, steal, load average */
    VRULE_SERVER_QUOTA,  /* server box below min_server_cpu of what it can use */
    VRULE_NONSTATIONARY, /* per-second throughput trends */
    VRULE_COUNT
} validity_rule_t;

typedef struct validity_rules {
    double max_overrun;      /* 0.10: load phase <= 1.1 x planned */
    double min_requests;     /* 1000 (a plan entry's "min_requests" wins) */
    double max_host_outside; /* 0.10 of the host's CPUs busy outside boxes + driver */
    double max_steal;        /* 0.05 of the host's CPUs stolen by a hypervisor */
    double max_load_per_cpu; /* 2.0: 1-minute load average / CPUs */
    double min_server_cpu;   /* 0.80 of min(quota on its CPU set, workers for one-thread models) */
    /* scenario globs where the server must be busy, for run files that do not
     * record the scenario file's "server_bound" (that field wins) */
    char server_bound[VALIDITY_MAX_GLOBS][96];
    int nserver_bound;
    double trend_level;   /* 0.95: the slope's interval */
    double trend_change;  /* 0.20: last third vs first third */
    int trend_min_points; /* 6 seconds at least, else not checked */
} validity_rules_t;

/* The defaults above. */
void validity_defaults(validity_rules_t *r);
/* Overrides from a JSON object (a profile's "validity"); unknown keys and bad
 * values are errors naming file and field. NULL obj: nothing to do. 0 or -1. */
int validity_parse(validity_rules_t *r, const json_t *obj, const char *file, char *err,
                   size_t errlen);
/* The rules as JSON (recorded in every run file). */
json_t *validity_rules_json(const validity_rules_t *r);
const char *validity_rule_name(validity_rule_t rule); /* "overrun", "min-requests", ... */

/* Judges one run file (its root object) and its per-second request counts
 * (series, n; NULL/0 when there is none). Appends one reason per broken rule
 * to reasons, "<rule>: why", skipping rules whose reason is already there;
 * sets *checked to a bitmask of the rules it could check (1 << rule) when
 * not NULL. Returns the bitmask of broken rules. Rules that lack their data
 * (no host record, no series, no box) are not checked, never broken. */
unsigned validity_judge(const validity_rules_t *r, const json_t *run, const double *series,
                        size_t n, json_t *reasons, unsigned *checked);

/* Reads the "requests" of each line of a run's .timeseries.jsonl. Returns
 * the count (0 when the file is absent or empty); *out is malloc'd. */
size_t validity_load_series(const char *path, double **out);

/* The study's hook: judges a freshly built run file j (timeseries_path: its
 * per-second file or NULL), records {"rules", "checked", "broken"} under
 * "validity", appends reasons and clears "valid" when a rule breaks.
 * Returns the broken-rule bitmask. */
unsigned validity_apply(const validity_rules_t *r, json_t *j, const char *timeseries_path);

/* Least-squares trend of y over t = 0..n-1: slope, and its two-sided
 * interval at level (Student t, n - 2 degrees of freedom). -1 when n < 3. */
int validity_trend(const double *y, size_t n, double level, double *slope, double *lo, double *hi);

#endif
