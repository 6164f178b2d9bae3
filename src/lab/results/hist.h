/* Latency histograms as serialized by the driver (docs/results-format.md):
 * sparse [lo, hi, count] buckets in microseconds. Merging adds the counts of
 * equal buckets, so the reader needs no knowledge of the bucket layout. */
#ifndef BENCHLAB_LAB_RESULTS_HIST_H
#define BENCHLAB_LAB_RESULTS_HIST_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef struct results_hist_bucket {
    int64_t lo, hi;
    uint64_t count;
} results_hist_bucket_t;

typedef struct results_hist {
    int64_t lowest, highest;
    int significant_digits;
    uint64_t count;
    int64_t min, max;
    double sum;
    results_hist_bucket_t *buckets; /* ascending by lo, no duplicates */
    size_t nbuckets;
} results_hist_t;

void results_hist_init(results_hist_t *h);
void results_hist_free(results_hist_t *h);
/* Parses a serialized histogram. On error returns -1 and writes a message
 * naming the offending field into err. */
int results_hist_from_json(results_hist_t *h, const json_t *j, char *err, size_t errlen);
/* Adds src into dst. Fails (-1) when the two were recorded with different
 * parameters (unit range or significant digits), which would not merge. */
int results_hist_merge(results_hist_t *dst, const results_hist_t *src, char *err, size_t errlen);
/* The p-th percentile (0 < p <= 100) in microseconds: the hi bound of the bucket
 * where the cumulative count first reaches ceil(p/100 * count), capped at max.
 * NaN for an empty histogram. */
double results_hist_percentile_us(const results_hist_t *h, double p);
double results_hist_mean_us(const results_hist_t *h);

#endif
