/* Descriptive statistics, confidence intervals and a reproducible bootstrap. */
#include "lab/results/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A sorted copy of x (NULL when n == 0 or out of memory). */
static double *sorted_copy(const double *x, size_t n) {
    if (n == 0)
        return NULL;
    double *s = xmalloc(n * sizeof *s);
    if (!s)
        return NULL;
    memcpy(s, x, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    return s;
}

double stats_mean(const double *x, size_t n) {
    if (n == 0)
        return NAN;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    return sum / (double)n;
}

double stats_stdev(const double *x, size_t n) {
    if (n < 2)
        return 0;
    double m = stats_mean(x, n), ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - m) * (x[i] - m);
    return sqrt(ss / (double)(n - 1));
}

static double median_sorted(const double *s, size_t n) {
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

double stats_median(const double *x, size_t n) {
    double *s = sorted_copy(x, n);
    if (!s)
        return NAN;
    double m = median_sorted(s, n);
    free(s);
    return m;
}

double stats_quantile_sorted(const double *sorted, size_t n, double q) {
    if (n == 0)
        return NAN;
    double h = (double)(n - 1) * q;
    size_t i = (size_t)floor(h);
    if (i + 1 >= n)
        return sorted[n - 1];
    return sorted[i] + (h - (double)i) * (sorted[i + 1] - sorted[i]);
}

/* P(Binomial(n, 1/2) <= k), summed exactly in log space to stay finite for large n. */
static double binom_half_cdf(size_t n, size_t k) {
    double sum = 0;
    for (size_t i = 0; i <= k && i <= n; i++)
        sum += exp(lgamma((double)n + 1) - lgamma((double)i + 1) - lgamma((double)(n - i) + 1) -
                   (double)n * log(2.0));
    return sum;
}

double stats_median_ci_ranks(size_t n, double level, size_t *lo, size_t *hi) {
    double alpha_half = (1 - level) / 2;
    size_t best = 1;
    /* Rank r is usable when P(B <= r - 1) <= alpha/2; keep the largest. */
    for (size_t r = 1; r <= (n + 1) / 2; r++) {
        if (binom_half_cdf(n, r - 1) <= alpha_half + 1e-12)
            best = r;
        else
            break;
    }
    *lo = best;
    *hi = n + 1 - best;
    if (n == 0)
        return 0;
    return 1 - 2 * binom_half_cdf(n, best - 1);
}

stats_interval_t stats_median_ci(const double *x, size_t n, double level) {
    stats_interval_t ci = {NAN, NAN, 0, NULL};
    double *s = sorted_copy(x, n);
    if (!s)
        return ci;
    size_t lo, hi;
    ci.coverage = stats_median_ci_ranks(n, level, &lo, &hi);
    ci.method = STATS_M_ORDER;
    ci.lo = s[lo - 1];
    ci.hi = s[hi - 1];
    free(s);
    return ci;
}

/* Continued fraction of the regularized incomplete beta function (modified Lentz). */
static double beta_cf(double a, double b, double x) {
    const double tiny = 1e-300;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    if (fabs(d) < tiny)
        d = tiny;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 300; m++) {
        double m2 = 2.0 * m;
        double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
        d = 1 + num * d;
        d = fabs(d) < tiny ? tiny : d;
        c = 1 + num / c;
        c = fabs(c) < tiny ? tiny : c;
        d = 1 / d;
        h *= d * c;
        num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
        d = 1 + num * d;
        d = fabs(d) < tiny ? tiny : d;
        c = 1 + num / c;
        c = fabs(c) < tiny ? tiny : c;
        d = 1 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < 1e-15)
            break;
    }
    return h;
}

/* Regularized incomplete beta I_x(a, b). */
static double inc_beta(double a, double b, double x) {
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    double front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log(1 - x));
    /* The continued fraction converges fast only below the mean; use symmetry above. */
    if (x < (a + 1) / (a + b + 2))
        return front * beta_cf(a, b, x) / a;
    return 1 - front * beta_cf(b, a, 1 - x) / b;
}

double stats_t_cdf(double t, double df) {
    double tail = 0.5 * inc_beta(df / 2, 0.5, df / (df + t * t));
    return t >= 0 ? 1 - tail : tail;
}

double stats_t_quantile(double p, double df) {
    if (!(p > 0 && p < 1) || !(df > 0))
        return NAN;
    if (p < 0.5)
        return -stats_t_quantile(1 - p, df);
    double lo = 0, hi = 1;
    while (stats_t_cdf(hi, df) < p && hi < 1e12)
        hi *= 2;
    for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
        double mid = (lo + hi) / 2;
        if (stats_t_cdf(mid, df) < p)
            lo = mid;
        else
            hi = mid;
    }
    return (lo + hi) / 2;
}

stats_interval_t stats_mean_ci(const double *x, size_t n, double level) {
    stats_interval_t ci = {NAN, NAN, 0, NULL};
    if (n == 0)
        return ci;
    double m = stats_mean(x, n);
    if (n < 2) {
        ci.lo = ci.hi = m;
        return ci;
    }
    double half =
        stats_t_quantile((1 + level) / 2, (double)(n - 1)) * stats_stdev(x, n) / sqrt((double)n);
    ci.lo = m - half;
    ci.hi = m + half;
    ci.coverage = level;
    ci.method = STATS_M_T;
    return ci;
}

void stats_summarize(const double *x, size_t n, double level, stats_summary_t *out) {
    memset(out, 0, sizeof *out);
    out->n = n;
    if (n == 0) {
        out->median = out->mean = out->stdev = out->cv = out->min = out->max = NAN;
        out->median_ci = out->mean_ci = (stats_interval_t){NAN, NAN, 0, NULL};
        return;
    }
    double *s = sorted_copy(x, n);
    out->min = s ? s[0] : NAN;
    out->max = s ? s[n - 1] : NAN;
    out->median = s ? median_sorted(s, n) : NAN;
    free(s);
    out->mean = stats_mean(x, n);
    out->stdev = stats_stdev(x, n);
    out->cv = out->mean != 0 ? out->stdev / fabs(out->mean) : NAN;
    out->median_ci = stats_median_ci(x, n, level);
    out->mean_ci = stats_mean_ci(x, n, level);
}

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void stats_rng_seed(stats_rng_t *rng, uint64_t seed) {
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

uint64_t stats_rng_next(stats_rng_t *rng) {
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

size_t stats_rng_below(stats_rng_t *rng, size_t n) {
    /* Rejection sampling: no modulo bias. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t r;
    do
        r = stats_rng_next(rng);
    while (r >= limit);
    return (size_t)(r % n);
}

static double resampled_median(stats_rng_t *rng, const double *x, size_t n, double *buf) {
    for (size_t i = 0; i < n; i++)
        buf[i] = x[stats_rng_below(rng, n)];
    qsort(buf, n, sizeof *buf, cmp_double);
    return median_sorted(buf, n);
}

double stats_bootstrap_ratio(const double *a, size_t na, const double *b, size_t nb, double level,
                             unsigned resamples, uint64_t seed, stats_interval_t *ci) {
    *ci = (stats_interval_t){NAN, NAN, 0, NULL};
    if (na == 0 || nb == 0)
        return NAN;
    double mb = stats_median(b, nb);
    if (mb == 0)
        return NAN;
    double point = stats_median(a, na) / mb;
    if (resamples == 0)
        return point;
    double *buf = xmalloc((na > nb ? na : nb) * sizeof *buf);
    double *ratios = xmalloc(resamples * sizeof *ratios);
    size_t k = 0;
    if (buf && ratios) {
        stats_rng_t rng;
        stats_rng_seed(&rng, seed);
        for (unsigned r = 0; r < resamples; r++) {
            double ma = resampled_median(&rng, a, na, buf);
            double mbr = resampled_median(&rng, b, nb, buf);
            if (mbr != 0)
                ratios[k++] = ma / mbr;
        }
        qsort(ratios, k, sizeof *ratios, cmp_double);
        if (k > 0) {
            ci->lo = stats_quantile_sorted(ratios, k, (1 - level) / 2);
            ci->hi = stats_quantile_sorted(ratios, k, (1 + level) / 2);
            ci->coverage = level;
            ci->method = STATS_M_BOOT;
        }
    }
    free(buf);
    free(ratios);
    return point;
}

double stats_mw_cdf(size_t m, size_t n, size_t u) {
    size_t umax = m * n;
    if (u >= umax)
        return 1;
    /* N(m, n, u) = N(m-1, n, u-n) + N(m, n-1, u): the largest value belongs to
     * the first sample (and exceeds all n of the second) or to the second.
     * Counted in doubles: exact up to 2^53, relative precision beyond. */
    double *prev = xcalloc((umax + 1) * (n + 1), sizeof *prev);
    double *cur = xcalloc((umax + 1) * (n + 1), sizeof *cur);
    if (!prev || !cur) {
        free(prev);
        free(cur);
        return NAN;
    }
#define G(a, k, v) a[(k) * (umax + 1) + (v)]
    for (size_t k = 0; k <= n; k++)
        G(prev, k, 0) = 1; /* m = 0: one arrangement, U = 0 */
    for (size_t mm = 1; mm <= m; mm++) {
        memset(cur, 0, (umax + 1) * (n + 1) * sizeof *cur);
        G(cur, 0, 0) = 1; /* n = 0 */
        for (size_t k = 1; k <= n; k++)
            for (size_t v = 0; v <= mm * k; v++)
                G(cur, k, v) = (v >= k ? G(prev, k, v - k) : 0) + G(cur, k - 1, v);
        double *t = prev;
        prev = cur;
        cur = t;
    }
    double below = 0, all = 0;
    for (size_t v = 0; v <= umax; v++) {
        all += G(prev, n, v);
        if (v <= u)
            below += G(prev, n, v);
    }
#undef G
    free(prev);
    free(cur);
    return below / all;
}

stats_interval_t stats_ratio_exact(const double *a, size_t na, const double *b, size_t nb,
                                   double level) {
    stats_interval_t ci = {NAN, NAN, 0, STATS_M_MW};
    if (na == 0 || nb == 0)
        return ci;
    for (size_t i = 0; i < na; i++)
        if (!(a[i] > 0))
            return ci;
    for (size_t j = 0; j < nb; j++)
        if (!(b[j] > 0))
            return ci;
    size_t N = na * nb;
    double *r = xmalloc(N * sizeof *r);
    if (!r)
        return ci;
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            r[i * nb + j] = a[i] / b[j];
    qsort(r, N, sizeof *r, cmp_double);
    double alpha_half = (1 - level) / 2;
    size_t k = 1;
    for (size_t c = 1; c <= (N + 1) / 2; c++) {
        if (stats_mw_cdf(na, nb, c - 1) <= alpha_half + 1e-12)
            k = c;
        else
            break;
    }
    ci.lo = r[k - 1];
    ci.hi = r[N - k];
    ci.coverage = 1 - 2 * stats_mw_cdf(na, nb, k - 1);
    free(r);
    return ci;
}

double stats_ratio_interval(const double *a, size_t na, const double *b, size_t nb, double level,
                            size_t min_runs, unsigned resamples, uint64_t seed,
                            stats_interval_t *ci) {
    double point = stats_bootstrap_ratio(a, na, b, nb, level, 0, seed, ci);
    if (isnan(point))
        return point;
    if (na < min_runs || nb < min_runs)
        *ci = (stats_interval_t){NAN, NAN, 0, STATS_M_FEW};
    else if (na >= STATS_BOOTSTRAP_MIN_RUNS && nb >= STATS_BOOTSTRAP_MIN_RUNS && resamples > 0)
        stats_bootstrap_ratio(a, na, b, nb, level, resamples, seed, ci);
    else
        *ci = stats_ratio_exact(a, na, b, nb, level);
    return point;
}

void stats_apply_min_runs(stats_summary_t *s, size_t min_runs) {
    if (s->n > 0 && s->n < min_runs)
        s->median_ci = (stats_interval_t){NAN, NAN, 0, STATS_M_FEW};
}
