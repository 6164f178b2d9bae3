/* Descriptive statistics and confidence intervals over a handful of runs.
 *
 * Everything here takes plain arrays of doubles (one value per valid run) and
 * never modifies them. NaN inputs are the caller's job to filter out. */
#ifndef BENCHLAB_LAB_STATS_H
#define BENCHLAB_LAB_STATS_H

#include <stddef.h>
#include <stdint.h>

typedef struct stats_interval {
    double lo, hi;
    double coverage;    /* the interval's actual coverage probability (>= the level asked
                           for, or lower when n is too small to reach it); 0 = no interval */
    const char *method; /* STATS_M_* below, NULL when not computed */
} stats_interval_t;

#define STATS_M_ORDER "order statistics" /* the median's, exact (binomial) */
#define STATS_M_MW "Mann-Whitney"        /* a ratio's, exact under a scale shift */
#define STATS_M_BOOT "bootstrap"         /* a ratio's, percentile bootstrap (n >= 10) */
#define STATS_M_T "Student t"            /* the mean's */
#define STATS_M_FEW "too few runs"       /* below the minimum: lo = hi = NaN */
/* Below this many runs on a side a ratio's interval is a bootstrap no more. */
#define STATS_BOOTSTRAP_MIN_RUNS 10

typedef struct stats_summary {
    size_t n;
    double median, mean, stdev, cv, min, max;
    stats_interval_t median_ci; /* rank-based, distribution-free */
    stats_interval_t mean_ci;   /* Student t */
} stats_summary_t;

double stats_mean(const double *x, size_t n);
/* Sample standard deviation (n - 1 in the denominator); 0 when n < 2. */
double stats_stdev(const double *x, size_t n);
double stats_median(const double *x, size_t n);

/* Ranks (1-based, into the sorted sample) of the distribution-free confidence
 * interval of the median: [x_(lo), x_(hi)] with hi = n + 1 - lo, lo the largest
 * rank such that P(Binomial(n, 1/2) <= lo - 1) <= (1 - level) / 2. When n is too
 * small for the level, lo = 1 (the whole sample). Returns the coverage. */
double stats_median_ci_ranks(size_t n, double level, size_t *lo, size_t *hi);
stats_interval_t stats_median_ci(const double *x, size_t n, double level);

/* Quantile of Student's t distribution with df degrees of freedom (0 < p < 1). */
double stats_t_quantile(double p, double df);
/* CDF of Student's t. */
double stats_t_cdf(double t, double df);
stats_interval_t stats_mean_ci(const double *x, size_t n, double level);

void stats_summarize(const double *x, size_t n, double level, stats_summary_t *out);

/* A small, fixed-seed pseudo-random generator (xoshiro256** seeded by
 * splitmix64) so that bootstrap intervals are reproducible on every platform. */
typedef struct stats_rng {
    uint64_t s[4];
} stats_rng_t;
void stats_rng_seed(stats_rng_t *rng, uint64_t seed);
uint64_t stats_rng_next(stats_rng_t *rng);
/* Uniform integer in [0, n). */
size_t stats_rng_below(stats_rng_t *rng, size_t n);

/* Percentile-bootstrap interval of median(a) / median(b): `resamples` times,
 * draw each sample with replacement, take the ratio of medians; the interval is
 * the (1-level)/2 and (1+level)/2 quantiles of those ratios. Returns the point
 * estimate median(a)/median(b) (NaN when a or b is empty or median(b) == 0). */
double stats_bootstrap_ratio(const double *a, size_t na, const double *b, size_t nb, double level,
                             unsigned resamples, uint64_t seed, stats_interval_t *ci);

/* P(U <= u) for the Mann-Whitney statistic U of samples of m and n under the
 * null hypothesis (every arrangement equally likely), counted exactly. */
double stats_mw_cdf(size_t m, size_t n, size_t u);

/* The exact distribution-free interval of a ratio a/b (Moses' interval for a
 * shift on the log scale): the na*nb pairwise ratios a_i/b_j sorted,
 * [r_(k), r_(N+1-k)] with k the largest rank such that P(U <= k-1) <=
 * (1-level)/2 (k = 1 when none is: the whole range, whose lower coverage is
 * reported). Every value must be > 0 (else NaN). method = STATS_M_MW. */
stats_interval_t stats_ratio_exact(const double *a, size_t na, const double *b, size_t nb,
                                   double level);

/* The ratio median(a)/median(b) with the interval the method calls for:
 * "too few runs" (NaN) when a side has fewer than min_runs values, the
 * bootstrap when both have at least STATS_BOOTSTRAP_MIN_RUNS, else the exact
 * Mann-Whitney interval. */
double stats_ratio_interval(const double *a, size_t na, const double *b, size_t nb, double level,
                            size_t min_runs, unsigned resamples, uint64_t seed,
                            stats_interval_t *ci);

/* The median's interval, or "too few runs" below min_runs (in place). */
void stats_apply_min_runs(stats_summary_t *s, size_t min_runs);

/* Quantile (type 7, linear interpolation) of a sorted array. */
double stats_quantile_sorted(const double *sorted, size_t n, double q);

#endif
