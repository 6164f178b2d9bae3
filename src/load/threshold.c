#include "load/threshold.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

static const struct {
    const char *name;
    int metric;
} metrics[] = {{"http_req_duration", TM_DURATION},
               {"checks", TM_CHECKS},
               {"http_req_failed", TM_FAILED},
               {"http_reqs", TM_REQS},
               {"iterations", TM_ITERATIONS}};

static int agg_allowed(int metric, int agg) {
    switch (metric) {
    case TM_DURATION:
        return agg == TA_AVG || agg == TA_MIN || agg == TA_MED || agg == TA_MAX || agg == TA_P;
    case TM_CHECKS:
    case TM_FAILED:
        return agg == TA_RATE;
    default:
        return agg == TA_COUNT || agg == TA_RATE;
    }
}

int threshold_parse(threshold_t *t, const char *key, const char *expr, char *err, unsigned errlen) {
    memset(t, 0, sizeof *t);
    const char *brace = strchr(key, '{');
    size_t mlen = brace ? (size_t)(brace - key) : strlen(key);
    t->metric = -1;
    for (size_t i = 0; i < sizeof metrics / sizeof metrics[0]; i++)
        if (strlen(metrics[i].name) == mlen && strncmp(key, metrics[i].name, mlen) == 0)
            t->metric = metrics[i].metric;
    if (t->metric < 0) {
        snprintf(err, errlen,
                 "unknown metric (expected http_req_duration, checks, http_req_failed, "
                 "http_reqs or iterations, optionally with {group:NAME})");
        return -1;
    }
    if (brace) {
        size_t n = strlen(brace);
        if (strncmp(brace, "{group:", 7) != 0 || n < 9 || brace[n - 1] != '}') {
            snprintf(err, errlen, "a metric filter must be {group:NAME}");
            return -1;
        }
        t->group = xstrndup(brace + 7, n - 8);
    }
    const char *e = expr;
    while (isspace((unsigned char)*e))
        e++;
    if (strncmp(e, "p(", 2) == 0) {
        char *end;
        t->agg = TA_P;
        t->p = strtod(e + 2, &end);
        if (end == e + 2 || *end != ')' || t->p < 0 || t->p > 100) {
            snprintf(err, errlen, "bad percentile in \"%s\" (expected p(N) with N in 0..100)",
                     expr);
            goto fail;
        }
        e = end + 1;
    } else {
        static const struct {
            const char *w;
            int a;
        } aggs[] = {{"avg", TA_AVG}, {"min", TA_MIN},   {"med", TA_MED},
                    {"max", TA_MAX}, {"rate", TA_RATE}, {"count", TA_COUNT}};
        size_t i;
        for (i = 0; i < sizeof aggs / sizeof aggs[0]; i++) {
            size_t n = strlen(aggs[i].w);
            if (strncmp(e, aggs[i].w, n) == 0 && !isalpha((unsigned char)e[n])) {
                t->agg = aggs[i].a;
                e += n;
                break;
            }
        }
        if (i == sizeof aggs / sizeof aggs[0]) {
            snprintf(err, errlen,
                     "bad expression \"%s\" (expected avg, min, med, max, p(N), rate or count, "
                     "an operator and a number)",
                     expr);
            goto fail;
        }
    }
    if (!agg_allowed(t->metric, t->agg)) {
        snprintf(err, errlen, "\"%s\": this aggregation does not apply to the metric", expr);
        goto fail;
    }
    while (isspace((unsigned char)*e))
        e++;
    if (strncmp(e, "<=", 2) == 0)
        t->op = TO_LE, e += 2;
    else if (strncmp(e, ">=", 2) == 0)
        t->op = TO_GE, e += 2;
    else if (strncmp(e, "==", 2) == 0)
        t->op = TO_EQ, e += 2;
    else if (strncmp(e, "!=", 2) == 0)
        t->op = TO_NE, e += 2;
    else if (*e == '<')
        t->op = TO_LT, e++;
    else if (*e == '>')
        t->op = TO_GT, e++;
    else {
        snprintf(err, errlen, "\"%s\": expected one of < <= > >= == != after the aggregation",
                 expr);
        goto fail;
    }
    char *end;
    t->value = strtod(e, &end);
    while (isspace((unsigned char)*end))
        end++;
    if (end == e || *end) {
        snprintf(err, errlen, "\"%s\": expected a number after the operator", expr);
        goto fail;
    }
    size_t ll = strlen(key) + strlen(expr) + 3;
    t->label = xmalloc(ll);
    snprintf(t->label, ll, "%s: %s", key, expr);
    return 0;
fail:
    threshold_free(t);
    return -1;
}

void threshold_free(threshold_t *t) {
    free(t->label);
    free(t->group);
    t->label = t->group = NULL;
}

int threshold_compare(const threshold_t *t, double v) {
    switch (t->op) {
    case TO_LT:
        return v < t->value;
    case TO_LE:
        return v <= t->value;
    case TO_GT:
        return v > t->value;
    case TO_GE:
        return v >= t->value;
    case TO_EQ:
        return v == t->value;
    default:
        return v != t->value;
    }
}
