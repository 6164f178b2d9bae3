/* Log-linear latency histogram (HdrHistogram-style), values in microseconds.
 * Bucket layout: 2^k sub-buckets per power of two, k chosen for the requested
 * significant digits (3 -> 2048), so every value is stored with a relative
 * error below 10^-digits. Count, min, max and sum are exact. Two histograms
 * with the same parameters merge by adding counts. */
#ifndef BENCHLAB_LOAD_HIST_H
#define BENCHLAB_LOAD_HIST_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define HIST_LOWEST 1
#define HIST_HIGHEST 60000000ull /* 60 s in µs */

typedef struct hist {
    int digits;
    int sub_bits;      /* log2(sub-bucket count) */
    int bucket_count;  /* powers of two covered */
    size_t counts_len; /* number of slots */
    uint64_t *counts;
    uint64_t count, min, max, sum;
} hist_t;

/* digits: 1..5. Returns 0, or -1 when out of memory. */
int hist_init(hist_t *h, int digits);
void hist_free(hist_t *h);
void hist_reset(hist_t *h);
/* Values above HIST_HIGHEST are stored in the last bucket (max stays exact). */
void hist_record(hist_t *h, uint64_t value_us);
/* Adds src into dst; both must have the same digits. Returns 0 or -1. */
int hist_merge(hist_t *dst, const hist_t *src);
/* The p-th percentile (0..100): the upper bound of the bucket where the
 * cumulative count first reaches ceil(p/100*count), capped at max. 0 when empty. */
uint64_t hist_percentile(const hist_t *h, double p);
double hist_mean(const hist_t *h);
/* Inclusive bounds of slot i. */
void hist_slot_bounds(const hist_t *h, size_t i, uint64_t *lo, uint64_t *hi);
size_t hist_slot_of(const hist_t *h, uint64_t value_us);

/* Serialization as in docs/results-format.md (sparse [lo,hi,count] buckets). */
json_t *hist_to_json(const hist_t *h);
/* Fills h (initialized here) from JSON; returns 0, or -1 with a message in err. */
int hist_from_json(hist_t *h, const json_t *j, char *err, size_t errlen);

#endif
