/* k6-style thresholds: "http_req_duration{group:x}": "p(95)<100". */
#ifndef BENCHLAB_LOAD_THRESHOLD_H
#define BENCHLAB_LOAD_THRESHOLD_H

enum th_metric { TM_DURATION, TM_CHECKS, TM_FAILED, TM_REQS, TM_ITERATIONS };
enum th_agg { TA_AVG, TA_MIN, TA_MED, TA_MAX, TA_P, TA_RATE, TA_COUNT };
enum th_op { TO_LT, TO_LE, TO_GT, TO_GE, TO_EQ, TO_NE };

typedef struct threshold {
    char *label; /* "<key>: <expr>" as reported */
    int metric;
    char *group; /* NULL = all */
    int agg;
    double p; /* for TA_P */
    int op;
    double value;
} threshold_t;

/* Parses key ("http_req_duration{group:x}") and expression ("p(95)<100").
 * Returns 0, or -1 with the reason in err. */
int threshold_parse(threshold_t *t, const char *key, const char *expr, char *err, unsigned errlen);
void threshold_free(threshold_t *t);
int threshold_compare(const threshold_t *t, double observed);

#endif
