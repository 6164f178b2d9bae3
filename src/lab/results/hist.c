/* Sparse latency histograms: parse, merge, percentiles. */
#include "lab/results/hist.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

void results_hist_init(results_hist_t *h) {
    memset(h, 0, sizeof *h);
    h->significant_digits = -1; /* "no parameters yet": adopts the first merged */
}

void results_hist_free(results_hist_t *h) {
    free(h->buckets);
    results_hist_init(h);
}

static int get_int(const json_t *obj, const char *key, int64_t *out, char *err, size_t errlen) {
    json_t *v = json_object_get(obj, key);
    if (!json_is_number(v)) {
        snprintf(err, errlen, "histogram.%s: missing or not a number", key);
        return -1;
    }
    *out = json_is_integer(v) ? (int64_t)json_integer_value(v) : (int64_t)json_number_value(v);
    return 0;
}

int results_hist_from_json(results_hist_t *h, const json_t *j, char *err, size_t errlen) {
    results_hist_init(h);
    if (!json_is_object(j)) {
        snprintf(err, errlen, "histogram: not an object");
        return -1;
    }
    json_t *unit = json_object_get(j, "unit");
    if (unit && (!json_is_string(unit) || strcmp(json_string_value(unit), "us") != 0)) {
        snprintf(err, errlen, "histogram.unit: expected \"us\"");
        return -1;
    }
    int64_t sd = 0, count = 0;
    if (get_int(j, "lowest", &h->lowest, err, errlen) ||
        get_int(j, "highest", &h->highest, err, errlen) ||
        get_int(j, "significant_digits", &sd, err, errlen) ||
        get_int(j, "count", &count, err, errlen))
        return -1;
    h->significant_digits = (int)sd;
    json_t *min = json_object_get(j, "min"), *max = json_object_get(j, "max"),
           *sum = json_object_get(j, "sum");
    h->min = json_is_number(min) ? (int64_t)json_number_value(min) : 0;
    h->max = json_is_number(max) ? (int64_t)json_number_value(max) : 0;
    h->sum = json_is_number(sum) ? json_number_value(sum) : 0;
    json_t *buckets = json_object_get(j, "buckets");
    if (!json_is_array(buckets)) {
        snprintf(err, errlen, "histogram.buckets: missing or not an array");
        return -1;
    }
    size_t n = json_array_size(buckets);
    h->buckets = n ? xcalloc(n, sizeof *h->buckets) : NULL;
    if (n && !h->buckets) {
        snprintf(err, errlen, "histogram: out of memory");
        return -1;
    }
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *b = json_array_get(buckets, i);
        if (!json_is_array(b) || json_array_size(b) != 3 ||
            !json_is_integer(json_array_get(b, 0)) || !json_is_integer(json_array_get(b, 1)) ||
            !json_is_integer(json_array_get(b, 2)) ||
            json_integer_value(json_array_get(b, 2)) < 0) {
            snprintf(err, errlen, "histogram.buckets[%zu]: expected [lo, hi, count] integers", i);
            results_hist_free(h);
            return -1;
        }
        results_hist_bucket_t *bk = &h->buckets[i];
        bk->lo = json_integer_value(json_array_get(b, 0));
        bk->hi = json_integer_value(json_array_get(b, 1));
        bk->count = (uint64_t)json_integer_value(json_array_get(b, 2));
        if (bk->hi < bk->lo || (i > 0 && bk->lo <= h->buckets[i - 1].hi)) {
            snprintf(err, errlen, "histogram.buckets[%zu]: bounds not ascending", i);
            results_hist_free(h);
            return -1;
        }
        total += bk->count;
    }
    h->nbuckets = n;
    if (total != (uint64_t)count) {
        snprintf(err, errlen, "histogram.count: %lld but buckets hold %llu", (long long)count,
                 (unsigned long long)total);
        results_hist_free(h);
        return -1;
    }
    h->count = total;
    return 0;
}

int results_hist_merge(results_hist_t *dst, const results_hist_t *src, char *err, size_t errlen) {
    if (src->significant_digits < 0 || src->count == 0)
        return 0;
    if (dst->significant_digits < 0 || dst->count == 0) {
        dst->lowest = src->lowest;
        dst->highest = src->highest;
        dst->significant_digits = src->significant_digits;
    } else if (dst->lowest != src->lowest || dst->highest != src->highest ||
               dst->significant_digits != src->significant_digits) {
        snprintf(err, errlen, "histograms with different parameters do not merge");
        return -1;
    }
    results_hist_bucket_t *out = xmalloc((dst->nbuckets + src->nbuckets) * sizeof *out);
    if (!out) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t i = 0, j = 0, k = 0;
    while (i < dst->nbuckets || j < src->nbuckets) {
        const results_hist_bucket_t *a = i < dst->nbuckets ? &dst->buckets[i] : NULL;
        const results_hist_bucket_t *b = j < src->nbuckets ? &src->buckets[j] : NULL;
        if (a && b && a->lo == b->lo) {
            if (a->hi != b->hi) {
                snprintf(err, errlen, "bucket at %lld has different bounds in two histograms",
                         (long long)a->lo);
                free(out);
                return -1;
            }
            out[k] = *a;
            out[k++].count += b->count;
            i++, j++;
        } else if (a && (!b || a->lo < b->lo)) {
            out[k++] = *a, i++;
        } else {
            out[k++] = *b, j++;
        }
    }
    for (size_t m = 1; m < k; m++) {
        if (out[m].lo <= out[m - 1].hi) {
            snprintf(err, errlen, "overlapping buckets at %lld", (long long)out[m].lo);
            free(out);
            return -1;
        }
    }
    free(dst->buckets);
    dst->buckets = out;
    dst->nbuckets = k;
    if (dst->count == 0 || src->min < dst->min)
        dst->min = src->min;
    if (dst->count == 0 || src->max > dst->max)
        dst->max = src->max;
    dst->count += src->count;
    dst->sum += src->sum;
    return 0;
}

double results_hist_percentile_us(const results_hist_t *h, double p) {
    if (h->count == 0)
        return NAN;
    /* The epsilon keeps 99.9 % of 1000 at 999, not 1000, despite rounding. */
    uint64_t target = (uint64_t)ceil(p / 100.0 * (double)h->count - 1e-9);
    if (target < 1)
        target = 1;
    uint64_t cum = 0;
    for (size_t i = 0; i < h->nbuckets; i++) {
        cum += h->buckets[i].count;
        if (cum >= target)
            return (double)(h->buckets[i].hi < h->max ? h->buckets[i].hi : h->max);
    }
    return (double)h->max;
}

double results_hist_mean_us(const results_hist_t *h) {
    return h->count ? h->sum / (double)h->count : NAN;
}
