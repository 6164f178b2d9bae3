#include "load/hist.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

int hist_init(hist_t *h, int digits) {
    memset(h, 0, sizeof *h);
    if (digits < 1 || digits > 5)
        return -1;
    uint64_t largest_single_unit = 2;
    for (int i = 0; i < digits; i++)
        largest_single_unit *= 10;
    int bits = 0;
    while ((1ull << bits) < largest_single_unit)
        bits++;
    h->digits = digits;
    h->sub_bits = bits;
    /* Number of powers of two needed so that the top bucket covers HIST_HIGHEST. */
    uint64_t trackable = (1ull << bits) - 1;
    int buckets = 1;
    while (trackable < HIST_HIGHEST) {
        trackable <<= 1;
        buckets++;
    }
    h->bucket_count = buckets;
    h->counts_len = (size_t)(buckets + 1) << (bits - 1);
    h->counts = xcalloc(h->counts_len, sizeof *h->counts);
    if (!h->counts)
        return -1;
    h->min = UINT64_MAX;
    return 0;
}

void hist_free(hist_t *h) {
    free(h->counts);
    h->counts = NULL;
}

void hist_reset(hist_t *h) {
    memset(h->counts, 0, h->counts_len * sizeof *h->counts);
    h->count = h->sum = h->max = 0;
    h->min = UINT64_MAX;
}

size_t hist_slot_of(const hist_t *h, uint64_t v) {
    if (v > HIST_HIGHEST)
        v = HIST_HIGHEST;
    uint64_t mask = (1ull << h->sub_bits) - 1;
    int half_bits = h->sub_bits - 1;
    /* floor(log2(v|mask)) - (sub_bits - 1): 0 for every v below 2^sub_bits */
    int bucket = (63 - __builtin_clzll(v | mask)) - h->sub_bits + 1;
    uint64_t sub = v >> bucket;
    return ((size_t)(bucket + 1) << half_bits) + (size_t)(sub - (1ull << half_bits));
}

void hist_slot_bounds(const hist_t *h, size_t i, uint64_t *lo, uint64_t *hi) {
    int half_bits = h->sub_bits - 1;
    long bucket = (long)(i >> half_bits) - 1;
    uint64_t sub = (i & ((1ull << half_bits) - 1)) + (1ull << half_bits);
    if (bucket < 0) {
        sub -= 1ull << half_bits;
        bucket = 0;
    }
    *lo = sub << bucket;
    *hi = *lo + (1ull << bucket) - 1;
}

void hist_record(hist_t *h, uint64_t v) {
    h->counts[hist_slot_of(h, v)]++;
    h->count++;
    h->sum += v;
    if (v < h->min)
        h->min = v;
    if (v > h->max)
        h->max = v;
}

int hist_merge(hist_t *dst, const hist_t *src) {
    if (dst->digits != src->digits || dst->counts_len != src->counts_len)
        return -1;
    if (src->count == 0)
        return 0;
    for (size_t i = 0; i < src->counts_len; i++)
        dst->counts[i] += src->counts[i];
    dst->count += src->count;
    dst->sum += src->sum;
    if (src->min < dst->min)
        dst->min = src->min;
    if (src->max > dst->max)
        dst->max = src->max;
    return 0;
}

uint64_t hist_percentile(const hist_t *h, double p) {
    if (h->count == 0)
        return 0;
    if (p < 0)
        p = 0;
    if (p > 100)
        p = 100;
    uint64_t target = (uint64_t)ceil(p / 100.0 * (double)h->count);
    if (target < 1)
        target = 1;
    uint64_t cum = 0;
    for (size_t i = 0; i < h->counts_len; i++) {
        cum += h->counts[i];
        if (cum >= target) {
            uint64_t lo, hi;
            hist_slot_bounds(h, i, &lo, &hi);
            return hi < h->max ? hi : h->max;
        }
    }
    return h->max;
}

double hist_mean(const hist_t *h) {
    return h->count ? (double)h->sum / (double)h->count : 0.0;
}

json_t *hist_to_json(const hist_t *h) {
    json_t *buckets = json_array();
    for (size_t i = 0; i < h->counts_len; i++) {
        if (!h->counts[i])
            continue;
        uint64_t lo, hi;
        hist_slot_bounds(h, i, &lo, &hi);
        json_array_append_new(
            buckets, json_pack("[III]", (json_int_t)lo, (json_int_t)hi, (json_int_t)h->counts[i]));
    }
    return json_pack("{s:s, s:I, s:I, s:i, s:I, s:I, s:I, s:I, s:o}", "unit", "us", "lowest",
                     (json_int_t)HIST_LOWEST, "highest", (json_int_t)HIST_HIGHEST,
                     "significant_digits", h->digits, "count", (json_int_t)h->count, "min",
                     (json_int_t)(h->count ? h->min : 0), "max", (json_int_t)h->max, "sum",
                     (json_int_t)h->sum, "buckets", buckets);
}

static int get_uint(const json_t *j, const char *key, uint64_t *out, char *err, size_t errlen) {
    json_t *v = json_object_get(j, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        snprintf(err, errlen, "histogram: \"%s\" must be a non-negative integer", key);
        return -1;
    }
    *out = (uint64_t)json_integer_value(v);
    return 0;
}

int hist_from_json(hist_t *h, const json_t *j, char *err, size_t errlen) {
    uint64_t digits, count, min, max, sum;
    memset(h, 0, sizeof *h);
    if (!json_is_object(j)) {
        snprintf(err, errlen, "histogram: expected an object");
        return -1;
    }
    if (get_uint(j, "significant_digits", &digits, err, errlen) ||
        get_uint(j, "count", &count, err, errlen) || get_uint(j, "min", &min, err, errlen) ||
        get_uint(j, "max", &max, err, errlen) || get_uint(j, "sum", &sum, err, errlen))
        return -1;
    json_t *lowest = json_object_get(j, "lowest"), *highest = json_object_get(j, "highest");
    if (json_integer_value(lowest) != HIST_LOWEST ||
        json_integer_value(highest) != (json_int_t)HIST_HIGHEST) {
        snprintf(err, errlen, "histogram: lowest/highest must be %d/%llu", HIST_LOWEST,
                 (unsigned long long)HIST_HIGHEST);
        return -1;
    }
    if (hist_init(h, (int)digits) != 0) {
        snprintf(err, errlen, "histogram: significant_digits must be 1..5");
        return -1;
    }
    json_t *buckets = json_object_get(j, "buckets");
    if (!json_is_array(buckets)) {
        snprintf(err, errlen, "histogram: \"buckets\" must be an array");
        goto fail;
    }
    uint64_t total = 0;
    size_t i;
    json_t *b;
    json_array_foreach(buckets, i, b) {
        json_t *jl = json_array_get(b, 0), *jh = json_array_get(b, 1), *jc = json_array_get(b, 2);
        if (json_array_size(b) != 3 || !json_is_integer(jl) || !json_is_integer(jh) ||
            !json_is_integer(jc) || json_integer_value(jl) < 0 || json_integer_value(jc) < 0) {
            snprintf(err, errlen, "histogram: buckets[%zu] must be [lo, hi, count]", i);
            goto fail;
        }
        uint64_t lo = (uint64_t)json_integer_value(jl), hi = (uint64_t)json_integer_value(jh);
        size_t slot = hist_slot_of(h, lo);
        uint64_t slo, shi;
        hist_slot_bounds(h, slot, &slo, &shi);
        if (slo != lo || shi != hi) {
            snprintf(err, errlen,
                     "histogram: buckets[%zu] [%llu,%llu] is not a bucket of this layout", i,
                     (unsigned long long)lo, (unsigned long long)hi);
            goto fail;
        }
        h->counts[slot] += (uint64_t)json_integer_value(jc);
        total += (uint64_t)json_integer_value(jc);
    }
    if (total != count) {
        snprintf(err, errlen, "histogram: bucket counts add up to %llu, count says %llu",
                 (unsigned long long)total, (unsigned long long)count);
        goto fail;
    }
    h->count = count;
    h->min = count ? min : UINT64_MAX;
    h->max = max;
    h->sum = sum;
    return 0;
fail:
    hist_free(h);
    return -1;
}
